using StbImageSharp;

namespace Dice.Core.Images;

/// <summary>
/// Reads PNG and JPEG files (told apart by their first bytes, not their names) as <see cref="RgbImage"/>s; pixels
/// are decoded by StbImageSharp. Files are untrusted input (training data, init images): anything else, a broken
/// file, or one larger than the pixel cap raises an <see cref="ImageFormatException"/> naming the file and the
/// problem, and the size is checked before pixels are allocated. Alpha is dropped; greyscale, palette and 16-bit
/// PNGs are converted to 8-bit RGB.
/// </summary>
public static class ImageFile
{
    /// <summary>Default cap on width · height (8192 × 8192, 192 MiB of RGB), far above what Dice trains or samples at.</summary>
    public const long DefaultMaxPixels = 8192L * 8192L;

    /// <summary>Reads and decodes the PNG or JPEG file at <paramref name="path"/>.</summary>
    public static RgbImage Read(string path, long maxPixels = DefaultMaxPixels)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        return Decode(File.ReadAllBytes(full), full, maxPixels);
    }

    /// <summary>Decodes a whole PNG or JPEG file held in memory; <paramref name="source"/> names it in errors.</summary>
    public static RgbImage Decode(byte[] data, string source = "image", long maxPixels = DefaultMaxPixels) =>
        DecodeWithText(data, source, maxPixels).Image;

    /// <summary>As <see cref="Decode"/>, with the tEXt chunks of a PNG (none for a JPEG).</summary>
    internal static (RgbImage Image, IReadOnlyList<PngTextChunk> Text) DecodeWithText(byte[] data, string source, long maxPixels)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPixels);
        int width, height;
        IReadOnlyList<PngTextChunk> text = [];
        if (PngChunkReader.HasSignature(data))
        {
            var chunks = PngChunkReader.Read(data, source, maxPixels);
            (width, height, text) = (chunks.Width, chunks.Height, chunks.Text);
        }
        else if (IsJpeg(data))
        {
            JpegMarkerReader.Check(data, source);
            ImageInfo info = ImageInfo.FromStream(new MemoryStream(data, writable: false))
                ?? throw new ImageFormatException($"{source}: a JPEG whose header cannot be read");
            CheckSize(info.Width, info.Height, source, maxPixels);
            (width, height) = (info.Width, info.Height);
        }
        else
        {
            throw new ImageFormatException(
                $"{source}: not a PNG or JPEG file (it starts with {Convert.ToHexString(data.AsSpan(0, Math.Min(8, data.Length)))})");
        }

        ImageResult result;
        try
        {
            result = ImageResult.FromMemory(data, ColorComponents.RedGreenBlue);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // StbImageSharp reports a broken file with an InvalidOperationException carrying stb's reason.
            throw new ImageFormatException($"{source}: cannot decode the image ({e.Message})", e);
        }
        if (result.Width != width || result.Height != height || result.Data.Length != width * height * 3)
        {
            throw new ImageFormatException($"{source}: decoded {result.Width}×{result.Height} pixels, but the header says {width}×{height}");
        }
        return (new RgbImage(width, height, result.Data), text);
    }

    /// <summary>Refuses an empty size or one over <paramref name="maxPixels"/>, before anything is allocated for it.</summary>
    internal static void CheckSize(long width, long height, string source, long maxPixels)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ImageFormatException($"{source}: invalid image size {width}×{height}");
        }
        if (width * height > maxPixels)
        {
            throw new ImageFormatException($"{source}: a {width}×{height} image has more than the allowed {maxPixels} pixels");
        }
    }

    /// <summary>SOI marker, then the start of another marker.</summary>
    private static bool IsJpeg(ReadOnlySpan<byte> data) => data is [0xFF, 0xD8, 0xFF, ..];
}
