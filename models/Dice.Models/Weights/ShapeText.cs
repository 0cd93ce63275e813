namespace Dice.Models.Weights;

/// <summary>Shape helpers shared by the weight loaders.</summary>
internal static class ShapeText
{
    public static string Format(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";

    public static long ElementCount(IEnumerable<long> shape) => shape.Aggregate(1L, (a, b) => checked(a * b));

    public static bool Equal(IReadOnlyList<long> a, IReadOnlyList<long> b) => a.SequenceEqual(b);
}
