using Dice.Models.Layers;

namespace Dice.Models.Blocks;

/// <summary>Doubles the spatial size: nearest-neighbour ×2, then a 3×3 convolution "{name}.conv".</summary>
public sealed class Upsample2D<T> where T : class
{
    private readonly ITensorOps<T> ops;
    private readonly Conv2d<T> conv;

    public Upsample2D(ITensorOps<T> ops, string name, int channels)
    {
        ArgumentNullException.ThrowIfNull(ops);
        this.ops = ops;
        conv = new Conv2d<T>(ops, ParameterName.Join(name, "conv"), channels, channels, 3, padding: 1);
    }

    public T Forward(T input) => conv.Forward(ops.UpsampleNearest2x(input));
}
