namespace Dice.Core.Images;

/// <summary>What <see cref="PngDecoder"/> keeps of a validated IHDR chunk; Bpp is bytes per pixel.</summary>
internal readonly record struct PngHeader(int Width, int Height, PngColorType ColorType, int Bpp);
