using System.Collections.ObjectModel;

namespace Dice.Safetensors;

/// <summary>One tensor's header entry: name, element type, shape and where its bytes lie in the data buffer.</summary>
public sealed class TensorInfo
{
    internal TensorInfo(string name, SafetensorsDType dtype, long[] shape, long dataBegin, long dataEnd, long elementCount)
    {
        Name = name;
        DType = dtype;
        Shape = new ReadOnlyCollection<long>(shape);
        DataBegin = dataBegin;
        DataEnd = dataEnd;
        ElementCount = elementCount;
    }

    public string Name { get; }

    public SafetensorsDType DType { get; }

    /// <summary>Dimensions, outermost first. Empty for a scalar; may contain 0.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Offset of the first byte, relative to the start of the data buffer.</summary>
    public long DataBegin { get; }

    /// <summary>Offset one past the last byte, relative to the start of the data buffer.</summary>
    public long DataEnd { get; }

    public long ByteLength => DataEnd - DataBegin;

    /// <summary>Product of the shape (1 for a scalar).</summary>
    public long ElementCount { get; }

    public override string ToString() => $"{Name}: {DType.ToHeaderName()} {FormatShape(Shape)}";

    internal static string FormatShape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>Element count of a shape, or false when a dimension is negative or the byte size overflows a long.</summary>
    internal static bool TryGetSizes(ReadOnlySpan<long> shape, SafetensorsDType dtype, out long elementCount, out long byteLength)
    {
        elementCount = 1;
        byteLength = 0;
        try
        {
            foreach (var dim in shape)
            {
                if (dim < 0)
                {
                    return false;
                }
                elementCount = checked(elementCount * dim);
            }
            byteLength = checked(elementCount * dtype.SizeInBytes());
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }
}
