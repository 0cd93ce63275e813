using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;

namespace Dice.Core.Images;

/// <summary>
/// Walks the chunks of a PNG before its pixels are decoded by StbImageSharp, which checks neither chunk CRCs nor
/// zlib's Adler-32 and inflates image data without a bound. Checks the signature, every chunk's length and CRC-32,
/// that IHDR comes first and IEND last, and that the image data inflates to no more than the header's size allows
/// (so a small file cannot expand into gigabytes); returns the header's size and the tEXt chunks.
/// </summary>
internal static class PngChunkReader
{
    private static readonly SearchValues<byte> AsciiLetters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>The result: the image size from IHDR and the valid tEXt chunks in file order.</summary>
    public sealed record Chunks(int Width, int Height, IReadOnlyList<PngTextChunk> Text);

    public static bool HasSignature(ReadOnlySpan<byte> data) =>
        data.Length >= PngChunkType.Signature.Length && data[..PngChunkType.Signature.Length].SequenceEqual(PngChunkType.Signature);

    /// <exception cref="ImageFormatException">The structure is broken; the message starts with <paramref name="source"/>.</exception>
    public static Chunks Read(ReadOnlySpan<byte> png, string source, long maxPixels)
    {
        if (!HasSignature(png))
        {
            throw Error(source, "not a PNG file (it does not start with the PNG signature)");
        }
        int width = 0, height = 0;
        long maxRawLength = 0;
        var text = new List<PngTextChunk>();
        using var idat = new MemoryStream();
        int offset = PngChunkType.Signature.Length;
        while (true)
        {
            if (png.Length - offset < 12)
            {
                throw Error(source, $"truncated PNG: the file ends at byte {png.Length} before its IEND chunk");
            }
            uint length = BinaryPrimitives.ReadUInt32BigEndian(png[offset..]);
            ReadOnlySpan<byte> typeBytes = png.Slice(offset + 4, 4);
            if (typeBytes.ContainsAnyExcept(AsciiLetters))
            {
                throw Error(source, $"the chunk at offset {offset} has type bytes {Convert.ToHexString(typeBytes)}, not four ASCII letters");
            }
            string type = Encoding.ASCII.GetString(typeBytes);
            if (length > png.Length - offset - 12)
            {
                throw Error(source, $"truncated PNG: chunk {type} at offset {offset} declares {length} data bytes, more than remain");
            }
            ReadOnlySpan<byte> data = png.Slice(offset + 8, (int)length);
            var crc = new Crc32();
            crc.Append(typeBytes);
            crc.Append(data);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(png[(offset + 8 + (int)length)..]);
            if (stored != crc.GetCurrentHashAsUInt32())
            {
                throw Error(source, $"CRC mismatch in chunk {type} at offset {offset} (the file is corrupt)");
            }
            if (offset == PngChunkType.Signature.Length)
            {
                if (type != PngChunkType.Header || length != PngChunkType.HeaderLength)
                {
                    throw Error(source, $"the first chunk must be a {PngChunkType.HeaderLength}-byte IHDR, found {type} of {length} bytes");
                }
                (width, height, maxRawLength) = ReadHeader(data, source, maxPixels);
            }
            else if (type == PngChunkType.Header)
            {
                throw Error(source, $"a second IHDR chunk at offset {offset}");
            }
            else if (type == PngChunkType.Data)
            {
                idat.Write(data);
            }
            else if (type == PngChunkType.Text && PngTextChunk.TryFromChunkData(data) is { } chunk)
            {
                // A malformed tEXt chunk is ancillary: skipped rather than making the image unreadable.
                text.Add(chunk);
            }
            else if (type == PngChunkType.End)
            {
                break;
            }
            offset += 12 + (int)length;
        }
        if (idat.Length == 0)
        {
            throw Error(source, "the PNG has no image data (no IDAT chunk)");
        }
        CheckInflatedLength(idat, maxRawLength, source);
        return new Chunks(width, height, text);
    }

    /// <summary>Width, height and the most bytes the inflated image data may have (filter bytes included).</summary>
    private static (int Width, int Height, long MaxRawLength) ReadHeader(ReadOnlySpan<byte> data, string source, long maxPixels)
    {
        uint width = BinaryPrimitives.ReadUInt32BigEndian(data);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
        {
            throw Error(source, $"invalid image size {width}×{height} in IHDR");
        }
        ImageFile.CheckSize(width, height, source, maxPixels);
        int bitDepth = data[8];
        int samples = data[9] switch
        {
            0 or 3 => 1, // greyscale, palette index
            4 => 2, // greyscale and alpha
            2 => 3,
            6 => 4,
            _ => throw Error(source, $"IHDR has colour type {data[9]}, which PNG does not define"),
        };
        if (bitDepth is not (1 or 2 or 4 or 8 or 16))
        {
            throw Error(source, $"IHDR has bit depth {bitDepth}, which PNG does not define");
        }
        long rowBytes = ((width * samples * bitDepth) + 7) / 8;
        // Adam7 adds at most one filter byte and one partial byte per row of each of its seven passes.
        long interlaceSlack = data[12] == 0 ? 0 : (4L * height) + 64;
        return ((int)width, (int)height, (height * (1 + rowBytes)) + interlaceSlack);
    }

    private static void CheckInflatedLength(MemoryStream idat, long maxRawLength, string source)
    {
        idat.Position = 0;
        var buffer = new byte[64 * 1024];
        long total = 0;
        try
        {
            using var zlib = new ZLibStream(idat, CompressionMode.Decompress, leaveOpen: true);
            int read;
            while ((read = zlib.Read(buffer)) > 0)
            {
                total += read;
                if (total > maxRawLength)
                {
                    throw Error(source, $"the image data inflates to more than the {maxRawLength} bytes its size allows");
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw Error(source, $"the image data is not a valid zlib stream ({e.Message})", e);
        }
    }

    private static ImageFormatException Error(string source, string problem, Exception? inner = null) =>
        inner is null ? new($"{source}: {problem}") : new($"{source}: {problem}", inner);
}
