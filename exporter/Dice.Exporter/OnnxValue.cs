using Onnx;

namespace Dice.Exporter;

/// <summary>
/// A named value in the ONNX graph being recorded: a graph input, an initializer or a node output, with its
/// element type and what is known of its shape at export time (null for a dimension fixed only at run time).
/// </summary>
public sealed class OnnxValue
{
    internal OnnxValue(string name, TensorProto.Types.DataType elementType, IReadOnlyList<long?> shape)
    {
        Name = name;
        ElementType = elementType;
        Shape = shape;
    }

    public string Name { get; }

    public TensorProto.Types.DataType ElementType { get; }

    /// <summary>Dimensions known at export time; null entries are dynamic (batch, sequence, height, width).</summary>
    public IReadOnlyList<long?> Shape { get; }

    public int Rank => Shape.Count;

    public override string ToString() =>
        $"{Name}: {ElementType} [{string.Join(", ", Shape.Select(d => d?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"))}]";
}
