using Dice.Models.Layers;

namespace Dice.Models.Blocks;

/// <summary>
/// diffusers' BasicTransformerBlock as SD uses it (pre-LayerNorm, eps 1e-5): self-attention "attn1", cross-attention
/// "attn2" to the encoder hidden states, GEGLU feed-forward "ff", each added back to its input. q/k/v have no bias.
/// </summary>
public sealed class BasicTransformerBlock<T> where T : class
{
    private const double LayerNormEps = 1e-5;

    private readonly ITensorOps<T> ops;
    private readonly LayerNorm<T> norm1;
    private readonly MultiHeadAttention<T> attn1;
    private readonly LayerNorm<T> norm2;
    private readonly MultiHeadAttention<T> attn2;
    private readonly LayerNorm<T> norm3;
    private readonly GegluFeedForward<T> ff;

    public BasicTransformerBlock(ITensorOps<T> ops, string name, int dim, int heads, int crossAttentionDim)
    {
        ArgumentNullException.ThrowIfNull(ops);
        if (heads <= 0 || dim % heads != 0)
        {
            throw new ArgumentException($"{name}: {dim} channels do not split into {heads} attention heads");
        }
        this.ops = ops;
        int headDim = dim / heads;
        norm1 = new LayerNorm<T>(ops, ParameterName.Join(name, "norm1"), dim, LayerNormEps);
        attn1 = new MultiHeadAttention<T>(ops, ParameterName.Join(name, "attn1"), dim, dim, heads, headDim, projectionBias: false);
        norm2 = new LayerNorm<T>(ops, ParameterName.Join(name, "norm2"), dim, LayerNormEps);
        attn2 = new MultiHeadAttention<T>(ops, ParameterName.Join(name, "attn2"), dim, crossAttentionDim, heads, headDim,
            projectionBias: false);
        norm3 = new LayerNorm<T>(ops, ParameterName.Join(name, "norm3"), dim, LayerNormEps);
        ff = new GegluFeedForward<T>(ops, ParameterName.Join(name, "ff"), dim);
    }

    /// <summary>x [B, L, C], context [B or 1, S, cross_attention_dim] → [B, L, C].</summary>
    public T Forward(T input, T context)
    {
        var h = ops.Add(attn1.Forward(norm1.Forward(input)), input);
        h = ops.Add(attn2.Forward(norm2.Forward(h), context), h);
        return ops.Add(ff.Forward(norm3.Forward(h)), h);
    }
}
