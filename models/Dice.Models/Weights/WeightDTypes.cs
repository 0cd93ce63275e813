using Dice.Safetensors;

namespace Dice.Models.Weights;

/// <summary>Maps between <see cref="WeightDType"/> and the safetensors dtypes.</summary>
public static class WeightDTypes
{
    public static SafetensorsDType ToSafetensors(this WeightDType dtype) => dtype switch
    {
        WeightDType.Float32 => SafetensorsDType.Float32,
        WeightDType.Float16 => SafetensorsDType.Float16,
        WeightDType.BFloat16 => SafetensorsDType.BFloat16,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown weight dtype"),
    };

    /// <summary>The dtype a stored tensor loads as when kept as is: F16 and BF16 stay, F32 and F64 become Float32.</summary>
    /// <exception cref="NotSupportedException">Not a floating type a model weight can have.</exception>
    public static WeightDType FromSafetensors(SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.Float32 or SafetensorsDType.Float64 => WeightDType.Float32,
        SafetensorsDType.Float16 => WeightDType.Float16,
        SafetensorsDType.BFloat16 => WeightDType.BFloat16,
        _ => throw new NotSupportedException($"a {dtype.ToHeaderName()} tensor cannot be a model weight; use F32, F16, BF16 or F64"),
    };
}
