namespace Dice.Models.Blocks;

/// <summary>
/// The VAE's mid block (diffusers' UNetMidBlock2D without time embedding): "resnets.0", single-head
/// SpatialSelfAttention "attentions.0" (unless disabled), "resnets.1"; channels unchanged.
/// </summary>
public sealed class UNetMidBlock2D<T> where T : class
{
    private readonly ResnetBlock2D<T> first;
    private readonly SpatialSelfAttention<T>? attention;
    private readonly ResnetBlock2D<T> second;

    public UNetMidBlock2D(ITensorOps<T> ops, string name, int channels, int groups, double eps, bool addAttention = true)
    {
        ArgumentNullException.ThrowIfNull(ops);
        first = new ResnetBlock2D<T>(ops, ParameterName.Join(name, "resnets.0"), channels, channels, null, groups, eps);
        if (addAttention)
        {
            attention = new SpatialSelfAttention<T>(ops, ParameterName.Join(name, "attentions.0"), channels, groups, eps);
        }
        second = new ResnetBlock2D<T>(ops, ParameterName.Join(name, "resnets.1"), channels, channels, null, groups, eps);
    }

    /// <summary>x [B, C, H, W] → [B, C, H, W].</summary>
    public T Forward(T input)
    {
        var h = first.Forward(input);
        if (attention is not null)
        {
            h = attention.Forward(h);
        }
        return second.Forward(h);
    }
}
