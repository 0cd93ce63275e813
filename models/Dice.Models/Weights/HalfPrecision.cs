namespace Dice.Models.Weights;

/// <summary>What loading does with Float16 and BFloat16 checkpoint tensors.</summary>
public enum HalfPrecision
{
    /// <summary>Widen them to float32 (exactly: every half value is a float32 value).</summary>
    ConvertToFloat32,

    /// <summary>Hand over the raw 16-bit patterns in their own dtype. Float32 tensors stay float32 either way.</summary>
    Keep,
}
