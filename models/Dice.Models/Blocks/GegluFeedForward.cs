using Dice.Models.Layers;

namespace Dice.Models.Blocks;

/// <summary>
/// diffusers' FeedForward with GEGLU: "{name}.net.0.proj" maps C → 2·inner, split into (a, gate) along the last
/// dim, a·gelu(gate) (exact GELU), then "{name}.net.2" maps inner → C. Inner width is 4C.
/// </summary>
public sealed class GegluFeedForward<T> where T : class
{
    private readonly ITensorOps<T> ops;
    private readonly Linear<T> proj;
    private readonly Linear<T> output;

    public GegluFeedForward(ITensorOps<T> ops, string name, int dim, int multiplier = 4)
    {
        ArgumentNullException.ThrowIfNull(ops);
        this.ops = ops;
        long inner = (long)dim * multiplier;
        proj = new Linear<T>(ops, ParameterName.Join(name, "net.0.proj"), dim, 2 * inner);
        output = new Linear<T>(ops, ParameterName.Join(name, "net.2"), inner, dim);
    }

    /// <summary>x [B, L, C] → [B, L, C].</summary>
    public T Forward(T input)
    {
        var parts = ops.Chunk(proj.Forward(input), 2, 2);
        return output.Forward(ops.Mul(parts[0], ops.Gelu(parts[1])));
    }
}
