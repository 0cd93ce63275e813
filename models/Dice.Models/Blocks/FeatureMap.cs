namespace Dice.Models.Blocks;

/// <summary>Moves between a feature map [B, C, H, W] and the token sequence [B, H·W, C] attention works on.</summary>
public static class FeatureMap
{
    /// <summary>[B, C, H, W] → [B, H·W, C].</summary>
    public static T ToSequence<T>(ITensorOps<T> ops, T map) where T : class
    {
        ArgumentNullException.ThrowIfNull(ops);
        return ops.Transpose(ops.Reshape(map, 0, 0, -1), 0, 2, 1);
    }

    /// <summary>[B, H·W, C] → [B, C, H, W], the shape of <paramref name="like"/> (same channel count).</summary>
    public static T FromSequence<T>(ITensorOps<T> ops, T sequence, T like) where T : class
    {
        ArgumentNullException.ThrowIfNull(ops);
        return ops.ReshapeLike(ops.Transpose(sequence, 0, 2, 1), like);
    }
}
