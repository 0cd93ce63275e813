using System.Diagnostics.CodeAnalysis;

namespace Dice.Safetensors;

/// <summary>Element sizes and header names of <see cref="SafetensorsDType"/>.</summary>
public static class SafetensorsDTypeExtensions
{
    /// <summary>Bytes per element.</summary>
    public static int SizeInBytes(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.Bool or SafetensorsDType.UInt8 or SafetensorsDType.Int8
            or SafetensorsDType.Float8E4M3 or SafetensorsDType.Float8E5M2 => 1,
        SafetensorsDType.Int16 or SafetensorsDType.UInt16
            or SafetensorsDType.Float16 or SafetensorsDType.BFloat16 => 2,
        SafetensorsDType.Int32 or SafetensorsDType.UInt32 or SafetensorsDType.Float32 => 4,
        SafetensorsDType.Int64 or SafetensorsDType.UInt64 or SafetensorsDType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown safetensors dtype."),
    };

    /// <summary>The name used in the header's "dtype" field, e.g. "F32".</summary>
    public static string ToHeaderName(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.Bool => "BOOL",
        SafetensorsDType.UInt8 => "U8",
        SafetensorsDType.Int8 => "I8",
        SafetensorsDType.Int16 => "I16",
        SafetensorsDType.UInt16 => "U16",
        SafetensorsDType.Int32 => "I32",
        SafetensorsDType.UInt32 => "U32",
        SafetensorsDType.Int64 => "I64",
        SafetensorsDType.UInt64 => "U64",
        SafetensorsDType.Float16 => "F16",
        SafetensorsDType.BFloat16 => "BF16",
        SafetensorsDType.Float32 => "F32",
        SafetensorsDType.Float64 => "F64",
        SafetensorsDType.Float8E4M3 => "F8_E4M3",
        SafetensorsDType.Float8E5M2 => "F8_E5M2",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown safetensors dtype."),
    };

    /// <summary>Parses a header dtype name (case-sensitive, as the format defines it).</summary>
    public static bool TryParseHeaderName(string? name, [NotNullWhen(true)] out SafetensorsDType? dtype)
    {
        dtype = name switch
        {
            "BOOL" => SafetensorsDType.Bool,
            "U8" => SafetensorsDType.UInt8,
            "I8" => SafetensorsDType.Int8,
            "I16" => SafetensorsDType.Int16,
            "U16" => SafetensorsDType.UInt16,
            "I32" => SafetensorsDType.Int32,
            "U32" => SafetensorsDType.UInt32,
            "I64" => SafetensorsDType.Int64,
            "U64" => SafetensorsDType.UInt64,
            "F16" => SafetensorsDType.Float16,
            "BF16" => SafetensorsDType.BFloat16,
            "F32" => SafetensorsDType.Float32,
            "F64" => SafetensorsDType.Float64,
            "F8_E4M3" => SafetensorsDType.Float8E4M3,
            "F8_E5M2" => SafetensorsDType.Float8E5M2,
            _ => null,
        };
        return dtype is not null;
    }

    /// <summary>Whether <see cref="SafetensorsFile.ReadFloat32(string)"/> can convert this dtype.</summary>
    public static bool IsConvertibleToFloat32(this SafetensorsDType dtype) =>
        dtype is SafetensorsDType.Float16 or SafetensorsDType.BFloat16
            or SafetensorsDType.Float32 or SafetensorsDType.Float64;
}
