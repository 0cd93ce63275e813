namespace Dice.Safetensors;

/// <summary>Element types of the safetensors format. Header names are in the comments.</summary>
public enum SafetensorsDType
{
    /// <summary>BOOL: one byte per element.</summary>
    Bool,
    /// <summary>U8</summary>
    UInt8,
    /// <summary>I8</summary>
    Int8,
    /// <summary>I16</summary>
    Int16,
    /// <summary>U16</summary>
    UInt16,
    /// <summary>I32</summary>
    Int32,
    /// <summary>U32</summary>
    UInt32,
    /// <summary>I64</summary>
    Int64,
    /// <summary>U64</summary>
    UInt64,
    /// <summary>F16: IEEE 754 half precision.</summary>
    Float16,
    /// <summary>BF16: the upper 16 bits of an IEEE 754 single.</summary>
    BFloat16,
    /// <summary>F32</summary>
    Float32,
    /// <summary>F64</summary>
    Float64,
    /// <summary>F8_E4M3</summary>
    Float8E4M3,
    /// <summary>F8_E5M2</summary>
    Float8E5M2,
}
