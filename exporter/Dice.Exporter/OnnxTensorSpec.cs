using Dice.Onnx;
using Onnx;

namespace Dice.Exporter;

/// <summary>
/// A graph input or output: its name, element type and shape (fixed sizes or named dynamic axes). A null
/// element type means the model's floating compute type (float32, or float16 when exporting half precision).
/// </summary>
public sealed record OnnxTensorSpec
{
    private OnnxTensorSpec(string name, TensorProto.Types.DataType? elementType, TensorDimension[] shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(shape);
        Name = name;
        ElementType = elementType;
        Shape = shape;
    }

    public string Name { get; }

    /// <summary>The element type; null for the compute type.</summary>
    public TensorProto.Types.DataType? ElementType { get; }

    public IReadOnlyList<TensorDimension> Shape { get; }

    /// <summary>A tensor in the model's compute type.</summary>
    public static OnnxTensorSpec Float(string name, params TensorDimension[] shape) => new(name, null, shape);

    public static OnnxTensorSpec Int32(string name, params TensorDimension[] shape) =>
        new(name, TensorProto.Types.DataType.Int32, shape);

    public static OnnxTensorSpec Int64(string name, params TensorDimension[] shape) =>
        new(name, TensorProto.Types.DataType.Int64, shape);

    public static OnnxTensorSpec Of(string name, TensorProto.Types.DataType elementType, params TensorDimension[] shape) =>
        new(name, elementType, shape);

    /// <summary>The element type this spec has in a model computing in <paramref name="computeType"/>.</summary>
    public TensorProto.Types.DataType ResolveElementType(TensorProto.Types.DataType computeType) => ElementType ?? computeType;

    public override string ToString() => $"{Name} {ElementType?.ToString() ?? "float"} [{string.Join(", ", Shape)}]";
}
