namespace Dice.Core.Images;

/// <summary>A PNG read by <see cref="PngFile.Read"/>: its pixels as RGB (alpha dropped) and its tEXt chunks.</summary>
public sealed class DecodedPng
{
    private readonly RgbImage _image;

    internal DecodedPng(RgbImage image, IReadOnlyList<PngTextChunk> text)
    {
        _image = image;
        Text = text;
    }

    public int Width => _image.Width;

    public int Height => _image.Height;

    /// <summary>The tEXt chunks in file order.</summary>
    public IReadOnlyList<PngTextChunk> Text { get; }

    /// <summary>The text of the first tEXt chunk with this keyword (ordinal comparison), or null.</summary>
    public string? GetText(string keyword) =>
        Text.FirstOrDefault(chunk => string.Equals(chunk.Keyword, keyword, StringComparison.Ordinal))?.Text;

    /// <summary>The pixels (alpha dropped).</summary>
    public RgbImage ToRgbImage() => _image;
}
