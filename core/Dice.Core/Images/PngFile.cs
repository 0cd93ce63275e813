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

    /// <summary>
    /// Reads a PNG file with its tEXt chunks (the settings Dice writes beside its images); pixels are read as by
    /// <see cref="ImageFile.Read"/>. A file that is not a PNG raises an <see cref="ImageFormatException"/>.
    /// </summary>
    public static DecodedPng Read(string path, long maxPixels = ImageFile.DefaultMaxPixels)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        byte[] data = File.ReadAllBytes(full);
        if (!PngChunkReader.HasSignature(data))
        {
            throw new ImageFormatException($"{full}: not a PNG file (it does not start with the PNG signature)");
        }
        var (image, text) = ImageFile.DecodeWithText(data, full, maxPixels);
        return new DecodedPng(image, text);
    }
}
