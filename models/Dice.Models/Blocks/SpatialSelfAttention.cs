using Dice.Models.Layers;

namespace Dice.Models.Blocks;

/// <summary>
/// The VAE mid-block attention (diffusers' Attention with a group norm and a residual): GroupNorm "group_norm", one
/// head over all channels with biased "to_q"/"to_k"/"to_v" and "to_out.0" on the [B, H·W, C] sequence, plus the
/// input. Older checkpoints name the projections query/key/value/proj_attn; that is the loader's concern.
/// </summary>
public sealed class SpatialSelfAttention<T> where T : class
{
    private readonly ITensorOps<T> ops;
    private readonly GroupNorm<T> groupNorm;
    private readonly MultiHeadAttention<T> attention;

    public SpatialSelfAttention(ITensorOps<T> ops, string name, int channels, int groups, double eps)
    {
        ArgumentNullException.ThrowIfNull(ops);
        this.ops = ops;
        groupNorm = new GroupNorm<T>(ops, ParameterName.Join(name, "group_norm"), groups, channels, eps);
        attention = new MultiHeadAttention<T>(ops, name, channels, channels, heads: 1, headDim: channels, projectionBias: true);
    }

    /// <summary>x [B, C, H, W] → [B, C, H, W].</summary>
    public T Forward(T input)
    {
        var sequence = FeatureMap.ToSequence(ops, groupNorm.Forward(input));
        var attended = attention.Forward(sequence);
        return ops.Add(FeatureMap.FromSequence(ops, attended, input), input);
    }
}
