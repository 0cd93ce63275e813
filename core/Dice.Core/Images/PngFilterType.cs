namespace Dice.Core.Images;

/// <summary>The five filter types of PNG filter method 0; the value is the byte that starts each filtered row.</summary>
public enum PngFilterType : byte
{
    None = 0,
    Sub = 1,
    Up = 2,
    Average = 3,
    Paeth = 4,
}
