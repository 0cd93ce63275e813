namespace Dice.Torch;

/// <summary>Maps .NET element types to libtorch scalar types.</summary>
internal static class DTypes
{
    internal static torch.ScalarType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return torch.ScalarType.Float32;
        if (typeof(T) == typeof(double)) return torch.ScalarType.Float64;
        if (typeof(T) == typeof(Half)) return torch.ScalarType.Float16;
        if (typeof(T) == typeof(long)) return torch.ScalarType.Int64;
        if (typeof(T) == typeof(int)) return torch.ScalarType.Int32;
        if (typeof(T) == typeof(short)) return torch.ScalarType.Int16;
        if (typeof(T) == typeof(sbyte)) return torch.ScalarType.Int8;
        if (typeof(T) == typeof(byte)) return torch.ScalarType.Byte;
        if (typeof(T) == typeof(bool)) return torch.ScalarType.Bool;
        throw new NotSupportedException($"no libtorch dtype for {typeof(T).Name}");
    }

    internal static int ElementSize(torch.ScalarType t) => t switch
    {
        torch.ScalarType.Byte or torch.ScalarType.Int8 or torch.ScalarType.Bool => 1,
        torch.ScalarType.Int16 or torch.ScalarType.Float16 or torch.ScalarType.BFloat16 => 2,
        torch.ScalarType.Int32 or torch.ScalarType.Float32 => 4,
        torch.ScalarType.Int64 or torch.ScalarType.Float64 => 8,
        _ => throw new NotSupportedException($"unknown dtype {t}"),
    };

    internal static bool IsFloatingPoint(torch.ScalarType t) =>
        t is torch.ScalarType.Float16 or torch.ScalarType.BFloat16 or torch.ScalarType.Float32 or torch.ScalarType.Float64;
}
