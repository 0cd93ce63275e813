using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;
using Dice.Core.Images;

namespace Dice.Core.Tests.Images;

/// <summary>Builds and takes apart PNG files byte by byte, following the specification, independently of the encoder.</summary>
internal static class PngTestFiles
{
    public static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>length (big-endian), type, data, CRC-32 of type + data (big-endian).</summary>
    public static byte[] Chunk(string type, ReadOnlySpan<byte> data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        Encoding.ASCII.GetBytes(type, chunk.AsSpan(4, 4));
        data.CopyTo(chunk.AsSpan(8));
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32.HashToUInt32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    /// <summary>A copy of <paramref name="png"/> whose chunks, as far as their lengths can be followed, carry correct
    /// CRCs again, so that a mutated file reaches the checks behind the CRC.</summary>
    public static byte[] WithRepairedCrcs(byte[] png)
    {
        var copy = (byte[])png.Clone();
        var offset = (long)Signature.Length;
        while (offset + 12 <= copy.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(copy.AsSpan((int)offset));
            if (offset + 12 + length > copy.Length)
            {
                break;
            }
            var crcAt = (int)(offset + 8 + length);
            BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(crcAt), Crc32.HashToUInt32(copy.AsSpan((int)offset + 4, 4 + (int)length)));
            offset = crcAt + 4;
        }
        return copy;
    }

    public static byte[] Header(int width, int height, byte bitDepth = 8, byte colorType = 2, byte interlace = 0)
    {
        var data = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(data, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(4), (uint)height);
        data[8] = bitDepth;
        data[9] = colorType;
        data[12] = interlace;
        return Chunk("IHDR", data);
    }

    public static byte[] Deflate(ReadOnlySpan<byte> raw)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(raw);
        }
        return output.ToArray();
    }

    public static byte[] Inflate(ReadOnlySpan<byte> compressed)
    {
        using var input = new MemoryStream(compressed.ToArray());
        using var zlib = new ZLibStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        zlib.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>Signature, then the chunks in order.</summary>
    public static byte[] File(params byte[][] chunks)
    {
        using var output = new MemoryStream();
        output.Write(Signature);
        foreach (byte[] chunk in chunks)
        {
            output.Write(chunk);
        }
        return output.ToArray();
    }

    /// <summary>A complete PNG: IHDR, one IDAT holding <paramref name="filteredScanlines"/> deflated, IEND.</summary>
    public static byte[] File(int width, int height, byte colorType, ReadOnlySpan<byte> filteredScanlines) =>
        File(Header(width, height, colorType: colorType), Chunk("IDAT", Deflate(filteredScanlines)), Chunk("IEND", []));

    /// <summary>The chunks after the signature, with whether each CRC is right. Asserts the layout is well formed.</summary>
    public static List<ParsedChunk> Parse(byte[] png)
    {
        Assert.Equal(Signature, png[..8]);
        var chunks = new List<ParsedChunk>();
        int offset = 8;
        while (offset < png.Length)
        {
            int length = checked((int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset)));
            string type = Encoding.ASCII.GetString(png, offset + 4, 4);
            byte[] data = png.AsSpan(offset + 8, length).ToArray();
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            chunks.Add(new ParsedChunk(type, data, crc, crc == Crc32.HashToUInt32(png.AsSpan(offset + 4, 4 + length))));
            offset += 12 + length;
        }
        Assert.Equal(png.Length, offset);
        return chunks;
    }

    /// <summary>Filters one scanline straight from the formulas of the specification (section 9.2).</summary>
    public static byte[] FilterByHand(byte type, byte[] row, byte[]? prior, int bpp)
    {
        var output = new byte[row.Length];
        for (int x = 0; x < row.Length; x++)
        {
            int a = x >= bpp ? row[x - bpp] : 0;
            int b = prior is null ? 0 : prior[x];
            int c = prior is null || x < bpp ? 0 : prior[x - bpp];
            int predictor = type switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                4 => Paeth(a, b, c),
                _ => throw new ArgumentOutOfRangeException(nameof(type)),
            };
            output[x] = unchecked((byte)(row[x] - predictor));
        }
        return output;
    }

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static RgbImage RandomImage(int width, int height, int seed) =>
        new(width, height, RandomBytes(width * height * 3, seed));

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
