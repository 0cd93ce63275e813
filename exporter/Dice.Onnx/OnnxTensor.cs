using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Dice.Onnx;

/// <summary>
/// Creates <see cref="TensorProto"/> values (initializers, tensor attributes) from managed arrays.
/// The data is stored as raw little-endian bytes, the compact form ONNX Runtime reads fastest.
/// An empty shape makes a scalar.
/// </summary>
public static class OnnxTensor
{
    public static TensorProto Create(string name, ReadOnlySpan<float> values, params long[] shape) =>
        Create(name, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(values), values.Length, shape);

    public static TensorProto Create(string name, ReadOnlySpan<Half> values, params long[] shape) =>
        Create(name, TensorProto.Types.DataType.Float16, MemoryMarshal.AsBytes(values), values.Length, shape);

    public static TensorProto Create(string name, ReadOnlySpan<long> values, params long[] shape) =>
        Create(name, TensorProto.Types.DataType.Int64, MemoryMarshal.AsBytes(values), values.Length, shape);

    public static TensorProto Create(string name, ReadOnlySpan<int> values, params long[] shape) =>
        Create(name, TensorProto.Types.DataType.Int32, MemoryMarshal.AsBytes(values), values.Length, shape);

    private static TensorProto Create(
        string name, TensorProto.Types.DataType dataType, ReadOnlySpan<byte> bytes, int count, long[] shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw tensor data is little-endian; this machine is not.");
        }

        long expected = 1;
        foreach (long dim in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(dim, nameof(shape));
            expected *= dim;
        }

        if (expected != count)
        {
            throw new ArgumentException(
                $"Tensor '{name}' has {count} values but shape [{string.Join(", ", shape)}] needs {expected}.",
                nameof(shape));
        }

        var tensor = new TensorProto { Name = name, DataType = (int)dataType, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(shape);
        return tensor;
    }
}
