using Dice.Models.Layers;

namespace Dice.Models.Blocks;

/// <summary>
/// Halves the spatial size with a 3×3 stride-2 convolution "{name}.conv". With padding 1 (the UNet) the output is
/// ⌈H/2⌉×⌈W/2⌉; with padding 0 (the VAE encoder) the input is first zero-padded by one on the right and bottom.
/// </summary>
public sealed class Downsample2D<T> where T : class
{
    private readonly ITensorOps<T> ops;
    private readonly Conv2d<T> conv;
    private readonly bool padRightBottom;

    public Downsample2D(ITensorOps<T> ops, string name, int channels, int padding)
    {
        ArgumentNullException.ThrowIfNull(ops);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        this.ops = ops;
        padRightBottom = padding == 0;
        conv = new Conv2d<T>(ops, ParameterName.Join(name, "conv"), channels, channels, 3, stride: 2, padding: padding);
    }

    public T Forward(T input) => conv.Forward(padRightBottom ? ops.Pad2d(input, 0, 1, 0, 1) : input);
}
