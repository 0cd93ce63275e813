namespace Dice.Core.Images;

/// <summary>An 8-bit sRGB colour.</summary>
public readonly record struct RgbColor(byte R, byte G, byte B)
{
    public static RgbColor Black => new(0, 0, 0);

    public static RgbColor White => new(255, 255, 255);

    /// <summary>Rec. 601 luma in [0, 255], used to pick a readable text colour on a background.</summary>
    public int Luma => ((299 * R) + (587 * G) + (114 * B)) / 1000;

    public override string ToString() => $"#{R:X2}{G:X2}{B:X2}";
}
