namespace Dice.Core.Images;

/// <summary>A PNG read by <see cref="PngDecoder"/>: 8-bit pixels, interleaved and row-major, and its tEXt chunks.</summary>
public sealed class DecodedPng
{
    private readonly byte[] _pixels;

    internal DecodedPng(int width, int height, PngColorType colorType, byte[] pixels, IReadOnlyList<PngTextChunk> text)
    {
        Width = width;
        Height = height;
        ColorType = colorType;
        _pixels = pixels;
        Text = text;
    }

    public int Width { get; }

    public int Height { get; }

    public PngColorType ColorType { get; }

    /// <summary>Samples per pixel: 3 for RGB, 4 for RGBA.</summary>
    public int Channels => ColorType == PngColorType.Rgba ? 4 : 3;

    /// <summary>width · height · <see cref="Channels"/> bytes.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>The tEXt chunks in file order.</summary>
    public IReadOnlyList<PngTextChunk> Text { get; }

    /// <summary>The text of the first tEXt chunk with this keyword (ordinal comparison), or null.</summary>
    public string? GetText(string keyword) =>
        Text.FirstOrDefault(chunk => string.Equals(chunk.Keyword, keyword, StringComparison.Ordinal))?.Text;

    /// <summary>
    /// The pixels as an <see cref="RgbImage"/>. For RGBA: with no <paramref name="background"/> the alpha channel is
    /// dropped; with one, each pixel is blended over it (c·α + bg·(255 − α)) / 255, rounded to nearest.
    /// </summary>
    public RgbImage ToRgbImage(RgbColor? background = null)
    {
        if (ColorType == PngColorType.Rgb)
        {
            return new RgbImage(Width, Height, _pixels);
        }
        var image = new RgbImage(Width, Height);
        Span<byte> rgb = image.Pixels;
        int pixelCount = Width * Height;
        for (int i = 0; i < pixelCount; i++)
        {
            int from = i * 4;
            int to = i * 3;
            if (background is { } bg)
            {
                int alpha = _pixels[from + 3];
                rgb[to] = Blend(_pixels[from], bg.R, alpha);
                rgb[to + 1] = Blend(_pixels[from + 1], bg.G, alpha);
                rgb[to + 2] = Blend(_pixels[from + 2], bg.B, alpha);
            }
            else
            {
                rgb[to] = _pixels[from];
                rgb[to + 1] = _pixels[from + 1];
                rgb[to + 2] = _pixels[from + 2];
            }
        }
        return image;
    }

    private static byte Blend(int color, int background, int alpha) =>
        (byte)(((color * alpha) + (background * (255 - alpha)) + 127) / 255);
}
