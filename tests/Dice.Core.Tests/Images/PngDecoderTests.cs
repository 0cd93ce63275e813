using System.Buffers.Binary;
using Dice.Core.Images;

namespace Dice.Core.Tests.Images;

public sealed class PngDecoderTests
{
    public static TheoryData<int, int> Sizes => new() { { 1, 1 }, { 7, 3 }, { 64, 48 }, { 1, 9 }, { 13, 1 } };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Round_trips_random_rgb_images_exactly(int width, int height)
    {
        RgbImage image = PngTestFiles.RandomImage(width, height, seed: (width * 1000) + height);

        DecodedPng decoded = PngDecoder.Decode(PngEncoder.Encode(image));

        Assert.Equal(width, decoded.Width);
        Assert.Equal(height, decoded.Height);
        Assert.Equal(PngColorType.Rgb, decoded.ColorType);
        Assert.Equal(image.Pixels.ToArray(), decoded.Pixels.ToArray());
        Assert.True(decoded.ToRgbImage().PixelsEqual(image));
        Assert.Empty(decoded.Text);
    }

    [Theory]
    [InlineData(PngFilterType.None)]
    [InlineData(PngFilterType.Sub)]
    [InlineData(PngFilterType.Up)]
    [InlineData(PngFilterType.Average)]
    [InlineData(PngFilterType.Paeth)]
    public void Round_trips_with_every_fixed_filter(PngFilterType filter)
    {
        RgbImage image = PngTestFiles.RandomImage(7, 3, seed: 21);
        var options = new PngEncoderOptions { Filter = filter };

        Assert.True(PngDecoder.Decode(PngEncoder.Encode(image, options: options)).ToRgbImage().PixelsEqual(image));
        byte[] rgba = PngTestFiles.RandomBytes(7 * 3 * 4, seed: 22);
        Assert.Equal(rgba, PngDecoder.Decode(PngEncoder.Encode(7, 3, PngColorType.Rgba, rgba, options: options)).Pixels.ToArray());
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(1, 2)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(4, 2)]
    [InlineData(0, 6)]
    [InlineData(1, 6)]
    [InlineData(2, 6)]
    [InlineData(3, 6)]
    [InlineData(4, 6)]
    public void Undoes_each_filter_type_on_hand_built_scanlines(byte filter, byte colorType)
    {
        const int width = 5, height = 4;
        int bpp = colorType == 6 ? 4 : 3;
        byte[] raw = PngTestFiles.RandomBytes(width * height * bpp, seed: (filter * 10) + colorType);
        byte[] scanlines = BuildScanlines(raw, width * bpp, bpp, _ => filter);

        DecodedPng decoded = PngDecoder.Decode(PngTestFiles.File(width, height, colorType, scanlines));

        Assert.Equal(raw, decoded.Pixels.ToArray());
    }

    [Fact]
    public void Undoes_a_different_filter_on_every_row()
    {
        const int width = 9, height = 10, bpp = 3;
        // A smooth ramp with noise, so predictions matter and byte arithmetic wraps around.
        byte[] raw = PngTestFiles.RandomBytes(width * height * bpp, seed: 23);
        for (int i = 0; i < raw.Length; i++)
        {
            raw[i] = (byte)((raw[i] % 16) + (i * 7));
        }
        byte[] scanlines = BuildScanlines(raw, width * bpp, bpp, y => (byte)(y % 5));

        DecodedPng decoded = PngDecoder.Decode(PngTestFiles.File(width, height, 2, scanlines));

        Assert.Equal(raw, decoded.Pixels.ToArray());
    }

    [Fact]
    public void Reads_text_and_skips_ancillary_chunks_it_does_not_know()
    {
        byte[] scanlines = [0, 1, 2, 3];
        byte[] png = PngTestFiles.File(
            PngTestFiles.Header(1, 1),
            PngTestFiles.Chunk("tEXt", "Title\0A cat"u8),
            PngTestFiles.Chunk("gAMA", [0, 0, 0xB1, 0x8F]),
            PngTestFiles.Chunk("tEXt", "bad  keyword\0skipped"u8),
            PngTestFiles.Chunk("PLTE", [0, 0, 0]),
            PngTestFiles.Chunk("IDAT", PngTestFiles.Deflate(scanlines)),
            PngTestFiles.Chunk("zzZz", [1, 2, 3]),
            PngTestFiles.Chunk("IEND", []));

        DecodedPng decoded = PngDecoder.Decode(png);

        Assert.Equal(new byte[] { 1, 2, 3 }, decoded.Pixels.ToArray());
        Assert.Equal([new PngTextChunk("Title", "A cat")], decoded.Text);
    }

    [Fact]
    public void Reads_from_a_stream()
    {
        RgbImage image = PngTestFiles.RandomImage(4, 4, seed: 24);
        using var stream = new MemoryStream(PngEncoder.Encode(image));
        Assert.True(PngDecoder.Decode(stream).ToRgbImage().PixelsEqual(image));
    }

    [Fact]
    public void Blends_alpha_over_a_background_or_drops_it()
    {
        byte[] rgba = [255, 0, 0, 128, 10, 20, 30, 255, 10, 20, 30, 0];
        DecodedPng decoded = PngDecoder.Decode(PngEncoder.Encode(3, 1, PngColorType.Rgba, rgba));

        RgbImage dropped = decoded.ToRgbImage();
        RgbImage blended = decoded.ToRgbImage(RgbColor.White);

        Assert.Equal(new byte[] { 255, 0, 0, 10, 20, 30, 10, 20, 30 }, dropped.Pixels.ToArray());
        Assert.Equal(new RgbColor(255, 127, 127), blended.GetPixel(0, 0));
        Assert.Equal(new RgbColor(10, 20, 30), blended.GetPixel(1, 0));
        Assert.Equal(RgbColor.White, blended.GetPixel(2, 0));
    }

    [Fact]
    public void Rejects_a_bad_signature()
    {
        byte[] png = PngEncoder.Encode(new RgbImage(1, 1));
        png[1] = (byte)'J';

        Assert.Contains("signature", Assert.Throws<PngFormatException>(() => PngDecoder.Decode(png)).Message);
        Assert.Contains("signature", Assert.Throws<PngFormatException>(() => PngDecoder.Decode([137, 80])).Message);
        Assert.Contains("signature", Assert.Throws<PngFormatException>(() => PngDecoder.Decode("GIF89a..."u8)).Message);
    }

    [Fact]
    public void Rejects_a_bad_crc()
    {
        byte[] png = PngEncoder.Encode(PngTestFiles.RandomImage(4, 4, seed: 25));
        int idatData = IndexOfChunk(png, "IDAT") + 8;
        png[idatData + 3] ^= 0x01;

        var error = Assert.Throws<PngFormatException>(() => PngDecoder.Decode(png));
        Assert.Contains("CRC mismatch in chunk IDAT", error.Message);
    }

    [Fact]
    public void Rejects_every_truncation()
    {
        byte[] png = PngEncoder.Encode(PngTestFiles.RandomImage(3, 3, seed: 26), [new("Title", "t")]);
        for (int length = 0; length < png.Length; length++)
        {
            var error = Assert.Throws<PngFormatException>(() => PngDecoder.Decode(png.AsSpan(0, length)));
            if (length >= 8)
            {
                Assert.Contains("truncated", error.Message);
            }
        }
    }

    [Fact]
    public void Rejects_every_single_byte_corruption()
    {
        byte[] png = PngEncoder.Encode(PngTestFiles.RandomImage(3, 2, seed: 27), [new("Title", "t")]);
        for (int i = 0; i < png.Length; i++)
        {
            byte[] corrupt = (byte[])png.Clone();
            corrupt[i] ^= 0xFF;
            Assert.Throws<PngFormatException>(() => PngDecoder.Decode(corrupt));
        }
    }

    [Theory]
    [InlineData(0, "colour type 0 (greyscale)")]
    [InlineData(3, "colour type 3 (indexed colour (palette))")]
    [InlineData(4, "colour type 4 (greyscale with alpha)")]
    [InlineData(7, "colour type 7")]
    public void Rejects_unsupported_colour_types(byte colorType, string expected)
    {
        byte[] png = PngTestFiles.File(PngTestFiles.Header(1, 1, colorType: colorType), PngTestFiles.Chunk("IDAT", PngTestFiles.Deflate([0, 0])), PngTestFiles.Chunk("IEND", []));

        Assert.Contains(expected, Assert.Throws<PngFormatException>(() => PngDecoder.Decode(png)).Message);
    }

    [Fact]
    public void Rejects_other_bit_depths_and_interlacing()
    {
        byte[] sixteen = PngTestFiles.File(PngTestFiles.Header(1, 1, bitDepth: 16), PngTestFiles.Chunk("IEND", []));
        byte[] interlaced = PngTestFiles.File(PngTestFiles.Header(1, 1, interlace: 1), PngTestFiles.Chunk("IEND", []));

        Assert.Contains("bit depth 16", Assert.Throws<PngFormatException>(() => PngDecoder.Decode(sixteen)).Message);
        Assert.Contains("interlaced", Assert.Throws<PngFormatException>(() => PngDecoder.Decode(interlaced)).Message);
    }

    [Fact]
    public void Rejects_malformed_layouts()
    {
        byte[] header = PngTestFiles.Header(1, 1);
        byte[] data = PngTestFiles.Chunk("IDAT", PngTestFiles.Deflate([0, 1, 2, 3]));
        byte[] end = PngTestFiles.Chunk("IEND", []);

        AssertRejects("first chunk must be IHDR", PngTestFiles.File(data, header, end));
        AssertRejects("no IDAT", PngTestFiles.File(header, end));
        AssertRejects("without an IEND", PngTestFiles.File(header, data));
        AssertRejects("unsupported critical chunk XYZW", PngTestFiles.File(header, PngTestFiles.Chunk("XYZW", []), data, end));
        AssertRejects("consecutive", PngTestFiles.File(header, data, PngTestFiles.Chunk("tEXt", "a\0b"u8), data, end));
        AssertRejects("IHDR has 12 bytes", PngTestFiles.File(PngTestFiles.Chunk("IHDR", new byte[12]), data, end));
        AssertRejects("invalid image size 0", PngTestFiles.File(PngTestFiles.Header(0, 1), data, end));
        AssertRejects("second IHDR", PngTestFiles.File(header, header, data, end));
    }

    [Fact]
    public void Rejects_image_data_of_the_wrong_length_or_with_bad_filter_bytes()
    {
        byte[] header = PngTestFiles.Header(1, 2);
        byte[] end = PngTestFiles.Chunk("IEND", []);

        AssertRejects("ends in row 1", PngTestFiles.File(header, PngTestFiles.Chunk("IDAT", PngTestFiles.Deflate([0, 1, 2, 3])), end));
        AssertRejects("longer than 2 rows", PngTestFiles.File(header, PngTestFiles.Chunk("IDAT", PngTestFiles.Deflate([0, 1, 2, 3, 0, 1, 2, 3, 9])), end));
        AssertRejects("row 1 has filter type 5", PngTestFiles.File(header, PngTestFiles.Chunk("IDAT", PngTestFiles.Deflate([0, 1, 2, 3, 5, 1, 2, 3])), end));
        AssertRejects("not a valid zlib stream", PngTestFiles.File(header, PngTestFiles.Chunk("IDAT", [0x78, 0x9C, 0xFF, 0xFF, 0xFF, 0xFF]), end));

        byte[] badAdler = PngTestFiles.Deflate([0, 1, 2, 3, 0, 4, 5, 6]);
        badAdler[^1] ^= 0xFF;
        AssertRejects("not a valid zlib stream", PngTestFiles.File(header, PngTestFiles.Chunk("IDAT", badAdler), end));
    }

    [Fact]
    public void Refuses_images_larger_than_the_pixel_limit()
    {
        byte[] png = PngEncoder.Encode(new RgbImage(10, 10));

        Assert.Contains("more than the allowed 99 pixels", Assert.Throws<PngFormatException>(() => PngDecoder.Decode(png, maxPixels: 99)).Message);
        Assert.Equal(10, PngDecoder.Decode(png, maxPixels: 100).Width);
        // A huge declared size fails at the header, before anything is allocated.
        byte[] huge = PngTestFiles.File(PngTestFiles.Header(1 << 20, 1 << 20), PngTestFiles.Chunk("IEND", []));
        Assert.Throws<PngFormatException>(() => PngDecoder.Decode(huge));
    }

    private static void AssertRejects(string expectedMessagePart, byte[] png)
    {
        var error = Assert.Throws<PngFormatException>(() => PngDecoder.Decode(png));
        Assert.Contains(expectedMessagePart, error.Message);
    }

    private static int IndexOfChunk(byte[] png, string type)
    {
        int offset = 8;
        while (true)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset));
            if (System.Text.Encoding.ASCII.GetString(png, offset + 4, 4) == type)
            {
                return offset;
            }
            offset += 12 + length;
        }
    }

    /// <summary>Filter bytes and filtered rows, each row filtered by hand with the type <paramref name="filterOfRow"/> gives.</summary>
    private static byte[] BuildScanlines(byte[] raw, int stride, int bpp, Func<int, byte> filterOfRow)
    {
        int height = raw.Length / stride;
        var scanlines = new List<byte>();
        for (int y = 0; y < height; y++)
        {
            byte filter = filterOfRow(y);
            byte[] row = raw.AsSpan(y * stride, stride).ToArray();
            byte[]? prior = y == 0 ? null : raw.AsSpan((y - 1) * stride, stride).ToArray();
            scanlines.Add(filter);
            scanlines.AddRange(PngTestFiles.FilterByHand(filter, row, prior, bpp));
        }
        return [.. scanlines];
    }
}
