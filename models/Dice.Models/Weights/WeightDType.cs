namespace Dice.Models.Weights;

/// <summary>The element types a loaded weight may have.</summary>
public enum WeightDType
{
    Float32,

    /// <summary>IEEE half precision, held as raw 16-bit patterns.</summary>
    Float16,

    /// <summary>bfloat16 (the upper half of a float32), held as raw 16-bit patterns.</summary>
    BFloat16,
}
