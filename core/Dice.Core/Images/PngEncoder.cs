using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;

namespace Dice.Core.Images;

/// <summary>
/// Writes 8-bit RGB (colour type 2) or RGBA (colour type 6) non-interlaced PNG files: the signature, IHDR, one
/// tEXt chunk per text entry (in the order given), the zlib-compressed filtered scanlines split over IDAT chunks,
/// and IEND. Output is a pure function of pixels, text and options (fixed compression level, deterministic filter
/// choice) for a given zlib build; no timestamps or other varying chunks are written.
/// </summary>
public static class PngEncoder
{
    /// <summary>Encodes an RGB image.</summary>
    public static byte[] Encode(RgbImage image, IEnumerable<PngTextChunk>? text = null, PngEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Encode(image.Width, image.Height, PngColorType.Rgb, image.Pixels, text, options);
    }

    /// <summary>Encodes an RGB image to <paramref name="output"/>.</summary>
    public static void Encode(Stream output, RgbImage image, IEnumerable<PngTextChunk>? text = null, PngEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        Encode(output, image.Width, image.Height, PngColorType.Rgb, image.Pixels, text, options);
    }

    /// <summary>
    /// Encodes interleaved, row-major 8-bit pixels: width · height · 3 bytes for <see cref="PngColorType.Rgb"/>,
    /// width · height · 4 for <see cref="PngColorType.Rgba"/> (straight, not premultiplied, alpha).
    /// </summary>
    public static byte[] Encode(
        int width,
        int height,
        PngColorType colorType,
        ReadOnlySpan<byte> pixels,
        IEnumerable<PngTextChunk>? text = null,
        PngEncoderOptions? options = null)
    {
        using var output = new MemoryStream();
        Encode(output, width, height, colorType, pixels, text, options);
        return output.ToArray();
    }

    /// <summary>As <see cref="Encode(int, int, PngColorType, ReadOnlySpan{byte}, IEnumerable{PngTextChunk}?, PngEncoderOptions?)"/>, to a stream.</summary>
    public static void Encode(
        Stream output,
        int width,
        int height,
        PngColorType colorType,
        ReadOnlySpan<byte> pixels,
        IEnumerable<PngTextChunk>? text = null,
        PngEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        options ??= PngEncoderOptions.Default;
        int bpp = BytesPerPixel(colorType);
        ValidateSize(width, height, bpp, pixels.Length);
        ValidateOptions(options);
        // Everything is checked before the first byte is written.
        List<PngTextChunk> textChunks = CollectText(text);
        byte[] compressed = CompressScanlines(width, height, bpp, pixels, options);

        output.Write(PngChunkType.Signature);

        Span<byte> header = stackalloc byte[PngChunkType.HeaderLength];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], (uint)height);
        header[8] = 8; // bit depth
        header[9] = (byte)colorType;
        header[10] = 0; // compression method 0: zlib deflate
        header[11] = 0; // filter method 0: adaptive filtering with five basic types
        header[12] = 0; // no interlace
        WriteChunk(output, PngChunkType.Header, header);

        foreach (PngTextChunk chunk in textChunks)
        {
            WriteChunk(output, PngChunkType.Text, chunk.ToChunkData());
        }

        for (int offset = 0; offset < compressed.Length; offset += options.MaxIdatLength)
        {
            int length = Math.Min(options.MaxIdatLength, compressed.Length - offset);
            WriteChunk(output, PngChunkType.Data, compressed.AsSpan(offset, length));
        }

        WriteChunk(output, PngChunkType.End, []);
    }

    /// <summary>Writes one chunk: data length (big-endian), type, data, CRC-32 of type and data (big-endian).</summary>
    internal static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> typeBytes = stackalloc byte[4];
        if (type.Length != 4 || Encoding.ASCII.GetBytes(type, typeBytes) != 4)
        {
            throw new ArgumentException($"a chunk type is four ASCII letters, got \"{type}\"", nameof(type));
        }
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        output.Write(typeBytes);
        output.Write(data);
        var crc32 = new Crc32();
        crc32.Append(typeBytes);
        crc32.Append(data);
        uint crc = crc32.GetCurrentHashAsUInt32();
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }

    internal static int BytesPerPixel(PngColorType colorType) => colorType switch
    {
        PngColorType.Rgb => 3,
        PngColorType.Rgba => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(colorType), colorType, "only RGB (2) and RGBA (6) are supported"),
    };

    private static void ValidateSize(int width, int height, int bpp, int pixelBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        long expected = (long)width * height * bpp;
        if (pixelBytes != expected)
        {
            throw new ArgumentException($"a {width}×{height} image with {bpp} bytes per pixel needs {expected} bytes, got {pixelBytes}");
        }
    }

    private static void ValidateOptions(PngEncoderOptions options)
    {
        if (options.CompressionLevel is < 0 or > 9)
        {
            throw new ArgumentException($"the zlib compression level is 0 to 9, got {options.CompressionLevel}", nameof(options));
        }
        if (options.MaxIdatLength < 1)
        {
            throw new ArgumentException($"the IDAT chunk length must be positive, got {options.MaxIdatLength}", nameof(options));
        }
        if (options.Filter is { } filter && !Enum.IsDefined(filter))
        {
            throw new ArgumentException($"PNG filter types are 0 to 4, got {(int)filter}", nameof(options));
        }
    }

    private static List<PngTextChunk> CollectText(IEnumerable<PngTextChunk>? text)
    {
        var chunks = new List<PngTextChunk>();
        if (text is null)
        {
            return chunks;
        }
        foreach (PngTextChunk? chunk in text)
        {
            if (chunk is null)
            {
                throw new ArgumentException("a text entry is null", nameof(text));
            }
            chunks.Add(chunk);
        }
        return chunks;
    }

    /// <summary>Filters every row (prefixing its filter type) and deflates the lot into one zlib stream.</summary>
    private static byte[] CompressScanlines(int width, int height, int bpp, ReadOnlySpan<byte> pixels, PngEncoderOptions options)
    {
        int stride = width * bpp;
        var zeros = new byte[stride];
        var line = new byte[1 + stride];
        var scratch = new byte[stride];
        using var compressed = new MemoryStream();
        var zlibOptions = new ZLibCompressionOptions
        {
            CompressionLevel = options.CompressionLevel,
            CompressionStrategy = ZLibCompressionStrategy.Default,
        };
        using (var zlib = new ZLibStream(compressed, zlibOptions, leaveOpen: true))
        {
            for (int y = 0; y < height; y++)
            {
                ReadOnlySpan<byte> row = pixels.Slice(y * stride, stride);
                ReadOnlySpan<byte> prior = y == 0 ? zeros : pixels.Slice((y - 1) * stride, stride);
                Span<byte> filtered = line.AsSpan(1);
                PngFilterType type;
                if (options.Filter is { } fixedType)
                {
                    type = fixedType;
                    PngFilters.Filter(type, row, prior, bpp, filtered);
                }
                else
                {
                    type = PngFilters.FilterAdaptive(row, prior, bpp, filtered, scratch);
                }
                line[0] = (byte)type;
                zlib.Write(line);
            }
        }
        return compressed.ToArray();
    }
}
