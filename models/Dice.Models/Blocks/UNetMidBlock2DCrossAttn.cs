namespace Dice.Models.Blocks;

/// <summary>The UNet's mid block: "resnets.0", Transformer2DModel "attentions.0", "resnets.1"; channels unchanged.</summary>
public sealed class UNetMidBlock2DCrossAttn<T> where T : class
{
    private readonly ResnetBlock2D<T> first;
    private readonly Transformer2DModel<T> attention;
    private readonly ResnetBlock2D<T> second;

    public UNetMidBlock2DCrossAttn(ITensorOps<T> ops, string name, int channels, int timeEmbedDim, int groups, double eps,
        CrossAttentionSpec attention)
    {
        ArgumentNullException.ThrowIfNull(ops);
        ArgumentNullException.ThrowIfNull(attention);
        first = new ResnetBlock2D<T>(ops, ParameterName.Join(name, "resnets.0"), channels, channels, timeEmbedDim, groups, eps);
        this.attention = new Transformer2DModel<T>(ops, ParameterName.Join(name, "attentions.0"), channels, attention.Heads,
            attention.CrossAttentionDim, attention.TransformerLayers, groups, attention.UseLinearProjection);
        second = new ResnetBlock2D<T>(ops, ParameterName.Join(name, "resnets.1"), channels, channels, timeEmbedDim, groups, eps);
    }

    /// <summary>x [B, C, H, W], temb [B, time_embed_dim], context [B or 1, S, cross_attention_dim] → [B, C, H, W].</summary>
    public T Forward(T input, T timeEmbedding, T context) =>
        second.Forward(attention.Forward(first.Forward(input, timeEmbedding), context), timeEmbedding);
}
