namespace Dice.Core.Images;

/// <summary>The PNG colour types this toolkit reads and writes (always 8 bits per sample).</summary>
public enum PngColorType : byte
{
    /// <summary>Colour type 2: three samples per pixel (red, green, blue).</summary>
    Rgb = 2,

    /// <summary>Colour type 6: four samples per pixel (red, green, blue, alpha; alpha not premultiplied).</summary>
    Rgba = 6,
}
