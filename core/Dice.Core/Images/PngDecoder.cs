using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Dice.Core.Images;

/// <summary>
/// Reads 8-bit RGB (colour type 2) and RGBA (colour type 6) non-interlaced PNG files, such as those
/// <see cref="PngEncoder"/> writes. Every chunk's CRC is checked; IDAT chunks are concatenated and inflated, and
/// all five filter types are undone. tEXt chunks are returned; other ancillary chunks (and a suggested palette)
/// are skipped (as is a tEXt chunk that breaks the keyword rules). Anything else — another colour type or bit depth, interlacing, an unknown critical chunk, a bad
/// signature, CRC or length — raises a <see cref="PngFormatException"/> that says what is wrong and where.
/// </summary>
public static class PngDecoder
{
    /// <summary>Default cap on width · height, so a tiny hostile file cannot demand gigabytes (16384 × 16384).</summary>
    public const long DefaultMaxPixels = 16384L * 16384L;

    /// <summary>Decodes a whole PNG file held in memory.</summary>
    public static DecodedPng Decode(ReadOnlySpan<byte> png, long maxPixels = DefaultMaxPixels)
    {
        ReadOnlySpan<byte> signature = PngChunkType.Signature;
        if (png.Length < signature.Length || !png[..signature.Length].SequenceEqual(signature))
        {
            throw new PngFormatException(
                "not a PNG file: it does not start with the PNG signature 89 50 4E 47 0D 0A 1A 0A " +
                $"(found {Convert.ToHexString(png[..Math.Min(png.Length, signature.Length)])})");
        }

        PngHeader? header = null;
        var text = new List<PngTextChunk>();
        using var idat = new MemoryStream();
        bool seenIdat = false;
        bool idatEnded = false;
        bool seenEnd = false;
        int offset = signature.Length;
        while (!seenEnd)
        {
            if (png.Length - offset < 12)
            {
                throw new PngFormatException(offset == png.Length
                    ? $"truncated PNG: the file ends at byte {offset} without an IEND chunk"
                    : $"truncated PNG: {png.Length - offset} bytes at offset {offset} are too few for a chunk (12 at least)");
            }
            uint length = BinaryPrimitives.ReadUInt32BigEndian(png[offset..]);
            ReadOnlySpan<byte> typeBytes = png.Slice(offset + 4, 4);
            string type = ChunkTypeName(typeBytes, offset);
            if (length > PngChunkType.MaxLength)
            {
                throw new PngFormatException($"chunk {type} at offset {offset} declares length {length}, more than 2^31 - 1");
            }
            if (png.Length - offset - 12 < length)
            {
                throw new PngFormatException(
                    $"truncated PNG: chunk {type} at offset {offset} declares {length} data bytes, " +
                    $"but only {Math.Max(png.Length - offset - 12, 0)} remain before its CRC");
            }
            ReadOnlySpan<byte> data = png.Slice(offset + 8, (int)length);
            uint storedCrc = BinaryPrimitives.ReadUInt32BigEndian(png[(offset + 8 + (int)length)..]);
            uint actualCrc = PngCrc32.Append(PngCrc32.Compute(typeBytes), data);
            if (storedCrc != actualCrc)
            {
                throw new PngFormatException(
                    $"CRC mismatch in chunk {type} at offset {offset}: stored 0x{storedCrc:X8}, computed 0x{actualCrc:X8} (the file is corrupt)");
            }

            if (header is null && type != PngChunkType.Header)
            {
                throw new PngFormatException($"the first chunk must be IHDR, found {type} at offset {offset}");
            }
            if (seenIdat && type != PngChunkType.Data)
            {
                idatEnded = true;
            }
            switch (type)
            {
                case PngChunkType.Header:
                    if (header is not null)
                    {
                        throw new PngFormatException($"a second IHDR chunk at offset {offset}");
                    }
                    header = ReadHeader(data, maxPixels);
                    break;
                case PngChunkType.Data:
                    if (idatEnded)
                    {
                        throw new PngFormatException($"IDAT chunk at offset {offset} does not follow the other IDAT chunks; they must be consecutive");
                    }
                    seenIdat = true;
                    idat.Write(data);
                    break;
                case PngChunkType.End:
                    seenEnd = true;
                    break;
                case PngChunkType.Text:
                    // An ancillary chunk: a malformed one is skipped rather than making the image unreadable.
                    if (PngTextChunk.TryFromChunkData(data) is { } chunk)
                    {
                        text.Add(chunk);
                    }
                    break;
                case PngChunkType.Palette:
                    // A suggested palette for truecolour images: allowed, not needed.
                    break;
                default:
                    if (char.IsAsciiLetterUpper(type[0]))
                    {
                        throw new PngFormatException($"unsupported critical chunk {type} at offset {offset}");
                    }
                    break; // ancillary chunks (bit 5 of the first byte set) may be ignored
            }
            offset += 12 + (int)length;
        }

        if (!seenIdat)
        {
            throw new PngFormatException("the PNG has no IDAT chunk (no image data)");
        }
        PngHeader h = header!.Value;
        byte[] pixels = Inflate(idat, h);
        return new DecodedPng(h.Width, h.Height, h.ColorType, pixels, text);
    }

    /// <summary>Decodes a PNG read to the end of <paramref name="stream"/>.</summary>
    public static DecodedPng Decode(Stream stream, long maxPixels = DefaultMaxPixels)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), maxPixels);
    }

    private static string ChunkTypeName(ReadOnlySpan<byte> typeBytes, int offset)
    {
        foreach (byte b in typeBytes)
        {
            if (!char.IsAsciiLetter((char)b))
            {
                throw new PngFormatException(
                    $"chunk at offset {offset} has type bytes {Convert.ToHexString(typeBytes)}, which are not four ASCII letters (corrupt or truncated file)");
            }
        }
        return Encoding.ASCII.GetString(typeBytes);
    }

    private static PngHeader ReadHeader(ReadOnlySpan<byte> data, long maxPixels)
    {
        if (data.Length != PngChunkType.HeaderLength)
        {
            throw new PngFormatException($"IHDR has {data.Length} bytes of data; it must have {PngChunkType.HeaderLength}");
        }
        uint width = BinaryPrimitives.ReadUInt32BigEndian(data);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        byte bitDepth = data[8];
        byte colorType = data[9];
        if (width == 0 || height == 0 || width > PngChunkType.MaxLength || height > PngChunkType.MaxLength)
        {
            throw new PngFormatException($"invalid image size {width}×{height} in IHDR (each must be 1 to 2^31 - 1)");
        }
        if (colorType is not ((byte)PngColorType.Rgb or (byte)PngColorType.Rgba))
        {
            string name = colorType switch
            {
                0 => "greyscale",
                3 => "indexed colour (palette)",
                4 => "greyscale with alpha",
                _ => "not a PNG colour type",
            };
            throw new PngFormatException(
                $"unsupported PNG colour type {colorType} ({name}); only 2 (RGB) and 6 (RGBA) with 8-bit samples are supported");
        }
        if (bitDepth != 8)
        {
            throw new PngFormatException($"unsupported bit depth {bitDepth}; only 8-bit samples are supported");
        }
        if (data[10] != 0)
        {
            throw new PngFormatException($"unknown compression method {data[10]} in IHDR (only 0, deflate, exists)");
        }
        if (data[11] != 0)
        {
            throw new PngFormatException($"unknown filter method {data[11]} in IHDR (only 0 exists)");
        }
        if (data[12] != 0)
        {
            throw new PngFormatException(data[12] == 1
                ? "Adam7-interlaced PNGs are not supported"
                : $"unknown interlace method {data[12]} in IHDR");
        }
        var type = (PngColorType)colorType;
        int bpp = PngEncoder.BytesPerPixel(type);
        long pixelCount = (long)width * height;
        if (pixelCount > maxPixels)
        {
            throw new PngFormatException($"a {width}×{height} image has more than the allowed {maxPixels} pixels");
        }
        long rawLength = height * (1 + ((long)width * bpp));
        if (rawLength > Array.MaxLength)
        {
            throw new PngFormatException($"a {width}×{height} image is too large to decode into memory");
        }
        return new PngHeader((int)width, (int)height, type, bpp);
    }

    /// <summary>Inflates the concatenated IDAT data and undoes each row's filter.</summary>
    private static byte[] Inflate(MemoryStream idat, PngHeader header)
    {
        int stride = header.Width * header.Bpp;
        var pixels = new byte[(long)stride * header.Height];
        var line = new byte[1 + stride];
        idat.Position = 0;
        try
        {
            using var zlib = new ZLibStream(idat, CompressionMode.Decompress, leaveOpen: true);
            for (int y = 0; y < header.Height; y++)
            {
                int read = zlib.ReadAtLeast(line, line.Length, throwOnEndOfStream: false);
                if (read < line.Length)
                {
                    throw new PngFormatException(
                        $"the image data ends in row {y} of {header.Height}: the inflated IDAT stream is shorter than " +
                        $"{header.Height} rows of {line.Length} bytes");
                }
                byte filter = line[0];
                if (filter > (byte)PngFilterType.Paeth)
                {
                    throw new PngFormatException($"row {y} has filter type {filter}; PNG filter types are 0 to 4");
                }
                Span<byte> row = pixels.AsSpan(y * stride, stride);
                line.AsSpan(1).CopyTo(row);
                ReadOnlySpan<byte> prior = y == 0 ? new byte[stride] : pixels.AsSpan((y - 1) * stride, stride);
                PngFilters.Unfilter((PngFilterType)filter, row, prior, header.Bpp);
            }
            // Reading to the end also makes zlib verify the stream's Adler-32 checksum.
            Span<byte> extra = stackalloc byte[1];
            if (zlib.Read(extra) != 0)
            {
                throw new PngFormatException(
                    $"the inflated IDAT stream is longer than {header.Height} rows of {line.Length} bytes");
            }
        }
        catch (InvalidDataException e)
        {
            throw new PngFormatException($"the IDAT data is not a valid zlib stream: {e.Message}", e);
        }
        return pixels;
    }
}
