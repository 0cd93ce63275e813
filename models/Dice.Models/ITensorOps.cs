namespace Dice.Models;

/// <summary>
/// The operations a model definition may use. A backend gives them meaning: libtorch runs them eagerly (and
/// differentiably), the ONNX backend records them as graph nodes. Model code never inspects runtime shapes,
/// so one definition exports with dynamic batch and spatial sizes.
/// </summary>
/// <typeparam name="T">The backend's tensor (a libtorch tensor, or a named value in an ONNX graph).</typeparam>
public interface ITensorOps<T> where T : class
{
    // ----- parameters and constants ----------------------------------------------------------------------

    /// <summary>A learnable tensor with its full state-dict name (e.g. "down_blocks.0.resnets.1.conv1.weight").</summary>
    T Parameter(string name, long[] shape, ParameterInit init);

    /// <summary>A fixed float tensor (a frequency table, say), in the model's compute type.</summary>
    T Constant(float[] values, long[] shape);

    /// <summary>A fixed float32 tensor whatever the compute type, for steps that need float32 precision.</summary>
    T ConstantFloat32(float[] values, long[] shape);

    // ----- layers --------------------------------------------------------------------------------------

    /// <summary>x·Wᵀ + b over the last dim; W is [out, in].</summary>
    T Linear(T input, T weight, T? bias);

    /// <summary>NCHW convolution, square stride and symmetric padding; W is [out, in, kh, kw].</summary>
    T Conv2d(T input, T weight, T? bias, int stride, int padding);

    /// <summary>Group normalisation of NC… with per-channel weight and bias.</summary>
    T GroupNorm(T input, int groups, T weight, T bias, double eps);

    /// <summary>Layer normalisation over the last dim.</summary>
    T LayerNorm(T input, T weight, T bias, double eps);

    /// <summary>Rows of <paramref name="weight"/> [n, d] picked by integer <paramref name="ids"/> [...] → [..., d].</summary>
    T Embedding(T weight, T ids);

    // ----- elementwise (numpy broadcasting) --------------------------------------------------------------

    T Add(T a, T b);

    T Sub(T a, T b);

    T Mul(T a, T b);

    T Scale(T input, double factor);

    T Silu(T input);

    /// <summary>Exact (erf) GELU.</summary>
    T Gelu(T input);

    /// <summary>x·sigmoid(1.702x).</summary>
    T QuickGelu(T input);

    T Relu(T input);

    T Sin(T input);

    T Cos(T input);

    // ----- attention -----------------------------------------------------------------------------------

    /// <summary>softmax(q·kᵀ/√D)·v for q [B, H, Lq, D] and k, v [B, H, Lk, D]; causal masks future keys.
    /// Batch dims broadcast (k and v may have batch 1).</summary>
    T Attention(T query, T key, T value, bool causal);

    // ----- shapes --------------------------------------------------------------------------------------

    /// <summary>Reshape with ONNX semantics: 0 keeps the input's size in that position, -1 is inferred.</summary>
    T Reshape(T input, params long[] shape);

    /// <summary>Reshape to the (runtime) shape of <paramref name="like"/>.</summary>
    T ReshapeLike(T input, T like);

    T Transpose(T input, params int[] permutation);

    T Unsqueeze(T input, int axis);

    T Concat(IReadOnlyList<T> parts, int axis);

    /// <summary>Equal pieces along an axis whose size divides evenly.</summary>
    IReadOnlyList<T> Chunk(T input, int chunks, int axis);

    /// <summary>Zero padding of the last two dims (NCHW): width left/right, height top/bottom.</summary>
    T Pad2d(T input, int left, int right, int top, int bottom);

    /// <summary>Nearest-neighbour ×2 upsampling of NCHW.</summary>
    T UpsampleNearest2x(T input);

    /// <summary>The first L rows of <paramref name="table"/> [N, d], L = the size of <paramref name="like"/>'s
    /// axis <paramref name="axis"/> (position embeddings for a sequence of length L).</summary>
    T LeadingRows(T table, T like, int axis);

    /// <summary>A [1] or [B] tensor broadcast to [B], B the batch size (dim 0) of <paramref name="like"/>.</summary>
    T ExpandToBatch(T input, T like);

    /// <summary>hidden[b, argmax_l ids[b, l], :] for hidden [B, L, D] and integer ids [B, L] → [B, D]
    /// (CLIP's pooled output: the hidden state at the end-of-text token, the largest id).</summary>
    T PoolAtArgmax(T hidden, T ids);

    /// <summary>Casts to the floating type the model computes in.</summary>
    T ToComputeType(T input);

    /// <summary>Casts to float32 (for steps that need float32 precision in a half-precision model).</summary>
    T ToFloat32(T input);
}
