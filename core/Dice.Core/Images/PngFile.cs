using Dice.Core.IO;

namespace Dice.Core.Images;

/// <summary>Reads and writes PNG files on disk.</summary>
public static class PngFile
{
    /// <summary>
    /// Writes <paramref name="image"/> to <paramref name="path"/> atomically: the PNG is written to a temporary file
    /// in the same directory, flushed to disk, then moved over <paramref name="path"/>. If anything fails, the
    /// temporary file is deleted and any file already at <paramref name="path"/> is left as it was. The directory
    /// must exist.
    /// </summary>
    public static void Write(string path, RgbImage image, IEnumerable<PngTextChunk>? text = null, PngEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        AtomicFile.Write(path, stream => PngEncoder.Encode(stream, image, text, options));
    }

    /// <summary>As <see cref="Write"/>, for interleaved 8-bit RGBA pixels (width · height · 4 bytes).</summary>
    public static void WriteRgba(
        string path,
        int width,
        int height,
        ReadOnlyMemory<byte> rgba,
        IEnumerable<PngTextChunk>? text = null,
        PngEncoderOptions? options = null)
    {
        AtomicFile.Write(path, stream => PngEncoder.Encode(stream, width, height, PngColorType.Rgba, rgba.Span, text, options));
    }

    /// <summary>Reads and decodes a PNG file (see <see cref="PngDecoder"/> for what is supported).</summary>
    public static DecodedPng Read(string path, long maxPixels = PngDecoder.DefaultMaxPixels)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return PngDecoder.Decode(File.ReadAllBytes(path), maxPixels);
    }
}
