namespace Dice.Models.Layers;

/// <summary>Projection names of an attention layer: diffusers' (to_q … to_out.0) or CLIP's (q_proj … out_proj).</summary>
public sealed record AttentionNames(string Query, string Key, string Value, string Output)
{
    public static AttentionNames Diffusers { get; } = new("to_q", "to_k", "to_v", "to_out.0");

    public static AttentionNames Clip { get; } = new("q_proj", "k_proj", "v_proj", "out_proj");
}

/// <summary>
/// Multi-head (self- or cross-) attention over [B, L, C] sequences: queries from the input, keys and values from
/// the context (the input itself when there is none), softmax(q·kᵀ/√d)·v per head, then an output projection.
/// </summary>
public sealed class MultiHeadAttention<T> where T : class
{
    private readonly ITensorOps<T> ops;
    private readonly Linear<T> query;
    private readonly Linear<T> key;
    private readonly Linear<T> value;
    private readonly Linear<T> output;
    private readonly int heads;
    private readonly int headDim;

    public MultiHeadAttention(ITensorOps<T> ops, string name, long queryDim, long contextDim, int heads, int headDim,
        bool projectionBias, AttentionNames? names = null, bool outputBias = true)
    {
        ArgumentNullException.ThrowIfNull(ops);
        names ??= AttentionNames.Diffusers;
        this.ops = ops;
        this.heads = heads;
        this.headDim = headDim;
        long inner = (long)heads * headDim;
        query = new Linear<T>(ops, ParameterName.Join(name, names.Query), queryDim, inner, projectionBias);
        key = new Linear<T>(ops, ParameterName.Join(name, names.Key), contextDim, inner, projectionBias);
        value = new Linear<T>(ops, ParameterName.Join(name, names.Value), contextDim, inner, projectionBias);
        output = new Linear<T>(ops, ParameterName.Join(name, names.Output), inner, queryDim, outputBias);
    }

    /// <summary>Attends <paramref name="input"/> [B, L, C] to <paramref name="context"/> [B or 1, S, C'] (itself if null).</summary>
    public T Forward(T input, T? context = null, bool causal = false)
    {
        var source = context ?? input;
        var q = SplitHeads(query.Forward(input));
        var k = SplitHeads(key.Forward(source));
        var v = SplitHeads(value.Forward(source));
        var attended = ops.Attention(q, k, v, causal);
        return output.Forward(MergeHeads(attended));
    }

    /// <summary>[B, L, H·D] → [B, H, L, D]</summary>
    private T SplitHeads(T x) => ops.Transpose(ops.Reshape(x, 0, 0, heads, headDim), 0, 2, 1, 3);

    /// <summary>[B, H, L, D] → [B, L, H·D]</summary>
    private T MergeHeads(T x) => ops.Reshape(ops.Transpose(x, 0, 2, 1, 3), 0, 0, (long)heads * headDim);
}
