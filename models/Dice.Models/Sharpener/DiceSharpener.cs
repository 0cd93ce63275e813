using Dice.Models.Layers;

namespace Dice.Models.Sharpener;

/// <summary>
/// The DICE sharpener r(c, c_null): h = ReLU(fc1(c)), hn = ReLU(fc1(c_null)); cross-attention with queries
/// from h and keys/values from hn; ReLU; fc2 back to the embedding width. Parameter names follow the
/// reference implementation: fc1, attention.to_q/to_k/to_v (no bias), attention.to_out.0, fc2.
/// </summary>
public sealed class DiceSharpener<T> where T : class
{
    private readonly ITensorOps<T> ops;
    private readonly Linear<T> fc1;
    private readonly MultiHeadAttention<T> attention;
    private readonly Linear<T> fc2;

    public DiceSharpener(ITensorOps<T> ops, SharpenerConfig config, string name = "")
    {
        ArgumentNullException.ThrowIfNull(ops);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        this.ops = ops;
        Config = config;
        fc1 = new Linear<T>(ops, ParameterName.Join(name, "fc1"), config.EmbeddingDim, config.InnerDim);
        attention = new MultiHeadAttention<T>(ops, ParameterName.Join(name, "attention"), config.InnerDim, config.InnerDim,
            config.Heads, config.HeadDim, projectionBias: false);
        fc2 = new Linear<T>(ops, ParameterName.Join(name, "fc2"), config.InnerDim, config.EmbeddingDim);
    }

    public SharpenerConfig Config { get; }

    /// <summary>r(c, c_null) for c [B, K, d] and c_null [B or 1, K, d] → [B, K, d].</summary>
    public T Forward(T c, T cNull)
    {
        var h = ops.Relu(fc1.Forward(c));
        var hn = ops.Relu(fc1.Forward(cNull));
        return fc2.Forward(ops.Relu(attention.Forward(h, hn)));
    }
}
