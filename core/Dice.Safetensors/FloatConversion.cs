using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Dice.Safetensors;

/// <summary>Conversions between float32 and the 16-bit storage formats, rounding to nearest, ties to even.</summary>
public static class FloatConversion
{
    public static ushort ToFloat16Bits(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    public static float FromFloat16Bits(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);

    public static ushort ToBFloat16Bits(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            // Truncation could clear every mantissa bit and turn NaN into infinity; keep sign, force a quiet NaN.
            return (ushort)((bits >> 16) | 0x0040);
        }
        // Adding 0x7FFF plus the lowest kept bit rounds to nearest with ties to even; overflow carries into
        // the exponent, which correctly rounds the largest finite values up to infinity.
        var roundingBias = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }

    public static float FromBFloat16Bits(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>Decodes little-endian F16, BF16, F32 or F64 elements into <paramref name="destination"/>.</summary>
    internal static void DecodeToFloat32(ReadOnlySpan<byte> source, SafetensorsDType dtype, Span<float> destination)
    {
        switch (dtype)
        {
            case SafetensorsDType.Float32 when BitConverter.IsLittleEndian:
                MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                break;
            case SafetensorsDType.Float32:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * 4)..]);
                }
                break;
            case SafetensorsDType.Float16:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = FromFloat16Bits(BinaryPrimitives.ReadUInt16LittleEndian(source[(i * 2)..]));
                }
                break;
            case SafetensorsDType.BFloat16:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = FromBFloat16Bits(BinaryPrimitives.ReadUInt16LittleEndian(source[(i * 2)..]));
                }
                break;
            case SafetensorsDType.Float64:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(source[(i * 8)..]);
                }
                break;
            default:
                throw new NotSupportedException($"Cannot convert {dtype.ToHeaderName()} to float32; only F16, BF16, F32 and F64 can be.");
        }
    }

    /// <summary>Encodes float32 values as little-endian F16, BF16, F32 or F64 elements.</summary>
    internal static void EncodeFromFloat32(ReadOnlySpan<float> source, SafetensorsDType dtype, Span<byte> destination)
    {
        if (!dtype.IsConvertibleToFloat32())
        {
            throw new NotSupportedException($"Cannot store float32 values as {dtype.ToHeaderName()}; use F16, BF16, F32 or F64.");
        }
        for (var i = 0; i < source.Length; i++)
        {
            switch (dtype)
            {
                case SafetensorsDType.Float32:
                    BinaryPrimitives.WriteSingleLittleEndian(destination[(i * 4)..], source[i]);
                    break;
                case SafetensorsDType.Float16:
                    BinaryPrimitives.WriteUInt16LittleEndian(destination[(i * 2)..], ToFloat16Bits(source[i]));
                    break;
                case SafetensorsDType.BFloat16:
                    BinaryPrimitives.WriteUInt16LittleEndian(destination[(i * 2)..], ToBFloat16Bits(source[i]));
                    break;
                case SafetensorsDType.Float64:
                    BinaryPrimitives.WriteDoubleLittleEndian(destination[(i * 8)..], source[i]);
                    break;
                default:
                    throw new NotSupportedException($"Cannot store float32 values as {dtype.ToHeaderName()}.");
            }
        }
    }
}
