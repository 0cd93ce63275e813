using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Dice.Safetensors;

namespace Dice.Models.Weights;

/// <summary>
/// One named tensor of a state dict in host memory: float32 values, or the raw bits of a 16-bit float type.
/// What a <see cref="WeightSource"/> hands a backend, and what <see cref="StateDictFile.Save"/> writes.
/// </summary>
public sealed class WeightTensor
{
    private readonly long[] shape;
    private readonly float[]? values;
    private readonly ushort[]? bits;

    private WeightTensor(string name, WeightDType dtype, long[] shape, float[]? values, ushort[]? bits)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (shape.Any(d => d < 0))
        {
            throw new ArgumentException($"tensor '{name}': shape {ShapeText.Format(shape)} has a negative dimension", nameof(shape));
        }
        var count = ShapeText.ElementCount(shape);
        var length = values?.LongLength ?? bits!.LongLength;
        if (length != count)
        {
            throw new ArgumentException($"tensor '{name}': shape {ShapeText.Format(shape)} needs {count} elements, the data holds {length}");
        }
        Name = name;
        DType = dtype;
        this.shape = shape;
        this.values = values;
        this.bits = bits;
    }

    /// <summary>The state-dict name.</summary>
    public string Name { get; }

    public WeightDType DType { get; }

    public IReadOnlyList<long> Shape => shape;

    public long ElementCount => values?.LongLength ?? bits!.LongLength;

    /// <summary>The values when <see cref="DType"/> is Float32 (not copied), else null.</summary>
    public float[]? Float32Values => values;

    /// <summary>The raw 16-bit patterns when <see cref="DType"/> is Float16 or BFloat16 (not copied), else null.</summary>
    public ushort[]? HalfBits => bits;

    /// <summary>Wraps float32 values (not copied).</summary>
    public static WeightTensor FromFloat32(string name, IReadOnlyList<long> shape, float[] values)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(values);
        return new WeightTensor(name, WeightDType.Float32, [.. shape], values, null);
    }

    /// <summary>Wraps the raw bits of Float16 or BFloat16 values (not copied).</summary>
    public static WeightTensor FromHalfBits(string name, WeightDType dtype, IReadOnlyList<long> shape, ushort[] halfBits)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(halfBits);
        if (dtype is not (WeightDType.Float16 or WeightDType.BFloat16))
        {
            throw new ArgumentException($"tensor '{name}': half bits need dtype Float16 or BFloat16, not {dtype}", nameof(dtype));
        }
        return new WeightTensor(name, dtype, [.. shape], null, halfBits);
    }

    /// <summary>Decodes little-endian bytes of the given dtype (copied).</summary>
    public static WeightTensor FromBytes(string name, WeightDType dtype, IReadOnlyList<long> shape, ReadOnlySpan<byte> littleEndian)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var count = ShapeText.ElementCount(shape);
        var size = dtype == WeightDType.Float32 ? 4 : 2;
        if (littleEndian.Length != count * size)
        {
            throw new ArgumentException(
                $"tensor '{name}': shape {ShapeText.Format(shape)} of {dtype} needs {count * size} bytes, the data holds {littleEndian.Length}",
                nameof(littleEndian));
        }
        if (dtype == WeightDType.Float32)
        {
            var floats = new float[count];
            if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.Cast<byte, float>(littleEndian).CopyTo(floats);
            }
            else
            {
                for (var i = 0; i < floats.Length; i++)
                {
                    floats[i] = BinaryPrimitives.ReadSingleLittleEndian(littleEndian[(i * 4)..]);
                }
            }
            return FromFloat32(name, shape, floats);
        }
        var halves = new ushort[count];
        for (var i = 0; i < halves.Length; i++)
        {
            halves[i] = BinaryPrimitives.ReadUInt16LittleEndian(littleEndian[(i * 2)..]);
        }
        return FromHalfBits(name, dtype, shape, halves);
    }

    /// <summary>The values as float32: the array itself for Float32, else a widened copy (exact).</summary>
    public float[] ToFloat32()
    {
        if (values is not null)
        {
            return values;
        }
        var widened = new float[bits!.Length];
        for (var i = 0; i < widened.Length; i++)
        {
            widened[i] = DType == WeightDType.Float16 ? FloatConversion.FromFloat16Bits(bits[i]) : FloatConversion.FromBFloat16Bits(bits[i]);
        }
        return widened;
    }

    /// <summary>This tensor in another dtype (narrowing rounds to nearest, ties to even); itself if already so.</summary>
    public WeightTensor ConvertTo(WeightDType dtype)
    {
        if (dtype == DType)
        {
            return this;
        }
        var floats = ToFloat32();
        if (dtype == WeightDType.Float32)
        {
            return FromFloat32(Name, shape, floats);
        }
        var narrowed = new ushort[floats.Length];
        for (var i = 0; i < narrowed.Length; i++)
        {
            narrowed[i] = dtype == WeightDType.Float16 ? FloatConversion.ToFloat16Bits(floats[i]) : FloatConversion.ToBFloat16Bits(floats[i]);
        }
        return FromHalfBits(Name, dtype, shape, narrowed);
    }

    /// <summary>The same data under another shape with the same element count (a reshape).</summary>
    public WeightTensor Reshape(IReadOnlyList<long> newShape)
    {
        ArgumentNullException.ThrowIfNull(newShape);
        return new WeightTensor(Name, DType, [.. newShape], values, bits);
    }

    /// <summary>The data as little-endian bytes, as safetensors and ONNX store them.</summary>
    public byte[] ToBytes()
    {
        if (values is not null)
        {
            var bytes = new byte[values.LongLength * 4];
            if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(bytes);
            }
            else
            {
                for (var i = 0; i < values.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
                }
            }
            return bytes;
        }
        var halfBytes = new byte[bits!.LongLength * 2];
        for (var i = 0; i < bits.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(halfBytes.AsSpan(i * 2), bits[i]);
        }
        return halfBytes;
    }

    public override string ToString() => $"{Name}: {DType} {ShapeText.Format(shape)}";
}
