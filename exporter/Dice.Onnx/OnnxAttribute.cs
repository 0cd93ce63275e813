using Google.Protobuf;
using Onnx;

namespace Dice.Onnx;

/// <summary>Creates node attributes (<see cref="AttributeProto"/>) of each kind the builder supports.</summary>
public static class OnnxAttribute
{
    public static AttributeProto Int(string name, long value) =>
        Create(name, AttributeProto.Types.AttributeType.Int, a => a.I = value);

    public static AttributeProto Float(string name, float value) =>
        Create(name, AttributeProto.Types.AttributeType.Float, a => a.F = value);

    public static AttributeProto Ints(string name, params long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Create(name, AttributeProto.Types.AttributeType.Ints, a => a.Ints.AddRange(values));
    }

    public static AttributeProto Floats(string name, params float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Create(name, AttributeProto.Types.AttributeType.Floats, a => a.Floats.AddRange(values));
    }

    public static AttributeProto String(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Create(name, AttributeProto.Types.AttributeType.String, a => a.S = ByteString.CopyFromUtf8(value));
    }

    /// <summary>A subgraph attribute (then_branch / else_branch of If).</summary>
    public static AttributeProto Graph(string name, GraphProto value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Create(name, AttributeProto.Types.AttributeType.Graph, a => a.G = value.Clone());
    }

    public static AttributeProto Tensor(string name, TensorProto value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Create(name, AttributeProto.Types.AttributeType.Tensor, a => a.T = value.Clone());
    }

    private static AttributeProto Create(string name, AttributeProto.Types.AttributeType type, Action<AttributeProto> setValue)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var attribute = new AttributeProto { Name = name, Type = type };
        setValue(attribute);
        return attribute;
    }
}
