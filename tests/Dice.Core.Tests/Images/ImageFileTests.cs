using System.Buffers.Binary;
using SkiaSharp;
using Dice.Core.Images;

namespace Dice.Core.Tests.Images;

public sealed class ImageFileTests
{
    public static TheoryData<int, int> Sizes => new() { { 1, 1 }, { 7, 3 }, { 64, 48 }, { 1, 9 }, { 13, 1 } };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Round_trips_random_rgb_images_exactly(int width, int height)
    {
        RgbImage image = PngTestFiles.RandomImage(width, height, seed: (width * 1000) + height);

        RgbImage decoded = Decode(PngEncoder.Encode(image));

        Assert.Equal(width, decoded.Width);
        Assert.Equal(height, decoded.Height);
        Assert.Equal(image.Pixels.ToArray(), decoded.Pixels.ToArray());
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

        Assert.True(Decode(PngEncoder.Encode(image, options: options)).PixelsEqual(image));
        byte[] rgba = PngTestFiles.RandomBytes(7 * 3 * 4, seed: 22);
        Assert.Equal(DropAlpha(rgba), Decode(PngEncoder.Encode(7, 3, PngColorType.Rgba, rgba, options: options)).Pixels.ToArray());
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

        RgbImage decoded = Decode(PngTestFiles.File(width, height, colorType, scanlines));

        Assert.Equal(bpp == 4 ? DropAlpha(raw) : raw, decoded.Pixels.ToArray());
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

        RgbImage decoded = Decode(PngTestFiles.File(width, height, 2, scanlines));

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

        var (image, text) = ImageFile.DecodeWithText(png, "test.png", ImageFile.DefaultMaxPixels);

        Assert.Equal(new byte[] { 1, 2, 3 }, image.Pixels.ToArray());
        Assert.Equal([new PngTextChunk("Title", "A cat")], text);
    }

    [Fact]
    public void Converts_greyscale_palette_and_grey_alpha_pngs_to_rgb()
    {
        // Two pixels each; the expected RGB follows the PNG specification's meaning of each colour type.
        byte[] grey = PngTestFiles.File(PngTestFiles.Header(2, 1, colorType: 0), Idat([0, 7, 200]), End);
        byte[] greyAlpha = PngTestFiles.File(PngTestFiles.Header(2, 1, colorType: 4), Idat([0, 7, 255, 200, 0]), End);
        byte[] palette = PngTestFiles.File(
            PngTestFiles.Header(2, 1, colorType: 3),
            PngTestFiles.Chunk("PLTE", [10, 20, 30, 40, 50, 60]),
            Idat([0, 1, 0]),
            End);

        Assert.Equal(new byte[] { 7, 7, 7, 200, 200, 200 }, Decode(grey).Pixels.ToArray());
        Assert.Equal(new byte[] { 7, 7, 7, 200, 200, 200 }, Decode(greyAlpha).Pixels.ToArray());
        Assert.Equal(new byte[] { 40, 50, 60, 10, 20, 30 }, Decode(palette).Pixels.ToArray());
    }

    [Fact]
    public void Reads_16_bit_samples_as_their_high_byte()
    {
        // 0xAB00 and 0x1200 scale to exactly 0xAB and 0x12 by either rounding rule (v · 255 / 65535 or v >> 8).
        byte[] png = PngTestFiles.File(PngTestFiles.Header(1, 1, bitDepth: 16), Idat([0, 0xAB, 0x00, 0x12, 0x00, 0xFF, 0xFF]), End);

        Assert.Equal(new byte[] { 0xAB, 0x12, 0xFF }, Decode(png).Pixels.ToArray());
    }

    [Fact]
    public void Reads_an_adam7_interlaced_png()
    {
        // For a 2 × 2 image Adam7's passes 1, 6 and 7 hold pixel (0,0); pixel (1,0); row 1 (section 8.2).
        byte[] png = PngTestFiles.File(
            PngTestFiles.Header(2, 2, interlace: 1),
            Idat([0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 10, 11, 12]),
            End);

        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }, Decode(png).Pixels.ToArray());
    }

    [Fact]
    public void Reads_a_jpeg_within_jpeg_tolerance()
    {
        RgbImage image = SmoothImage();
        using var temp = new TempDirectory();
        string path = temp.File("photo.jpg");
        File.WriteAllBytes(path, Jpeg(image));

        RgbImage decoded = ImageFile.Read(path);

        Assert.Equal((image.Width, image.Height), (decoded.Width, decoded.Height));
        int[] errors = decoded.Pixels.ToArray().Zip(image.Pixels.ToArray(), (a, b) => Math.Abs(a - b)).ToArray();
        Assert.True(errors.Max() <= 8, $"largest error {errors.Max()}");
        Assert.True(errors.Average() <= 2, $"mean error {errors.Average()}");
    }

    [Fact]
    public void Rejects_every_truncation_of_a_jpeg()
    {
        byte[] jpeg = Jpeg(SmoothImage());
        for (int length = 3; length < jpeg.Length; length++)
        {
            Assert.Contains("truncated JPEG", Assert.Throws<ImageFormatException>(() => Decode(jpeg[..length])).Message);
        }
    }

    [Fact]
    public void Tells_formats_apart_by_content_and_names_the_file_it_refuses()
    {
        using var temp = new TempDirectory();
        string named = temp.File("really-a-png.jpg");
        RgbImage image = PngTestFiles.RandomImage(3, 3, seed: 28);
        File.WriteAllBytes(named, PngEncoder.Encode(image));
        string gif = temp.File("animation.png");
        File.WriteAllBytes(gif, "GIF89a\u0001\0\u0001\0"u8.ToArray());

        Assert.True(ImageFile.Read(named).PixelsEqual(image));
        var error = Assert.Throws<ImageFormatException>(() => ImageFile.Read(gif));
        Assert.StartsWith(gif + ": not a PNG or JPEG file", error.Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => ImageFile.Read(temp.File("missing.png")));
    }

    [Fact]
    public void Rejects_a_broken_jpeg()
    {
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0];

        Assert.Equal(
            "test.png: truncated JPEG: the FFE0 segment at offset 2 declares 16 bytes, more than remain",
            Assert.Throws<ImageFormatException>(() => Decode(jpeg)).Message);
    }

    [Fact]
    public void Rejects_a_bad_signature()
    {
        byte[] png = PngEncoder.Encode(new RgbImage(1, 1));
        png[1] = (byte)'J';

        Assert.Contains("not a PNG or JPEG", Assert.Throws<ImageFormatException>(() => Decode(png)).Message);
        Assert.Contains("not a PNG or JPEG", Assert.Throws<ImageFormatException>(() => Decode([137, 80])).Message);
        Assert.Contains("not a PNG or JPEG", Assert.Throws<ImageFormatException>(() => Decode([])).Message);
    }

    [Fact]
    public void Rejects_a_bad_crc()
    {
        byte[] png = PngEncoder.Encode(PngTestFiles.RandomImage(4, 4, seed: 25));
        int idatData = IndexOfChunk(png, "IDAT") + 8;
        png[idatData + 3] ^= 0x01;

        var error = Assert.Throws<ImageFormatException>(() => Decode(png));
        Assert.Equal($"test.png: CRC mismatch in chunk IDAT at offset {idatData - 8} (the file is corrupt)", error.Message);
    }

    [Fact]
    public void Rejects_every_truncation()
    {
        byte[] png = PngEncoder.Encode(PngTestFiles.RandomImage(3, 3, seed: 26), [new("Title", "t")]);
        for (int length = 0; length < png.Length; length++)
        {
            var error = Assert.Throws<ImageFormatException>(() => Decode(png[..length]));
            Assert.Contains(length >= 8 ? "truncated" : "not a PNG or JPEG", error.Message);
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
            Assert.Throws<ImageFormatException>(() => Decode(corrupt));
        }
    }

    [Fact]
    public void Rejects_malformed_layouts()
    {
        byte[] header = PngTestFiles.Header(1, 1);
        byte[] data = Idat([0, 1, 2, 3]);

        AssertRejects("first chunk must be a 13-byte IHDR, found IDAT", PngTestFiles.File(data, header, End));
        AssertRejects("no image data", PngTestFiles.File(header, End));
        AssertRejects("before its IEND", PngTestFiles.File(header, data));
        AssertRejects("first chunk must be a 13-byte IHDR, found IHDR of 12 bytes", PngTestFiles.File(PngTestFiles.Chunk("IHDR", new byte[12]), data, End));
        AssertRejects("invalid image size 0×1", PngTestFiles.File(PngTestFiles.Header(0, 1), data, End));
        AssertRejects("second IHDR", PngTestFiles.File(header, header, data, End));
        AssertRejects("colour type 7", PngTestFiles.File(PngTestFiles.Header(1, 1, colorType: 7), data, End));
        AssertRejects("bit depth 3", PngTestFiles.File(PngTestFiles.Header(1, 1, bitDepth: 3), data, End));
        // An unknown critical chunk: the decoder refuses it.
        AssertRejects("cannot decode", PngTestFiles.File(header, PngTestFiles.Chunk("XYZW", []), data, End));
    }

    [Fact]
    public void Rejects_image_data_of_the_wrong_length_or_with_bad_filter_bytes()
    {
        byte[] header = PngTestFiles.Header(1, 2);

        AssertRejects("cannot decode", PngTestFiles.File(header, Idat([0, 1, 2, 3]), End));
        AssertRejects("inflates to more than the 8 bytes", PngTestFiles.File(header, Idat([0, 1, 2, 3, 0, 1, 2, 3, 9]), End));
        AssertRejects("cannot decode", PngTestFiles.File(header, Idat([0, 1, 2, 3, 5, 1, 2, 3]), End));
        AssertRejects("not a valid zlib stream", PngTestFiles.File(header, PngTestFiles.Chunk("IDAT", [0x78, 0x9C, 0xFF, 0xFF, 0xFF, 0xFF]), End));

        byte[] badAdler = PngTestFiles.Deflate([0, 1, 2, 3, 0, 4, 5, 6]);
        badAdler[^1] ^= 0xFF;
        AssertRejects("not a valid zlib stream", PngTestFiles.File(header, PngTestFiles.Chunk("IDAT", badAdler), End));
    }

    [Fact]
    public void Refuses_a_small_file_whose_image_data_inflates_far_beyond_its_size()
    {
        // 16 MiB of zeros deflate to ~16 KiB; a 1 × 1 RGB image has 4 bytes of data.
        byte[] bomb = PngTestFiles.File(PngTestFiles.Header(1, 1), Idat(new byte[16 << 20]), End);

        Assert.True(bomb.Length < 100_000);
        AssertRejects("inflates to more than the 4 bytes", bomb);
    }

    [Fact]
    public void Refuses_images_larger_than_the_pixel_limit()
    {
        byte[] png = PngEncoder.Encode(new RgbImage(10, 10));

        Assert.Contains("more than the allowed 99 pixels", Assert.Throws<ImageFormatException>(() => ImageFile.Decode(png, "x", maxPixels: 99)).Message);
        Assert.Equal(10, ImageFile.Decode(png, "x", maxPixels: 100).Width);
        // A huge declared size fails at the header, before anything is allocated.
        byte[] huge = PngTestFiles.File(PngTestFiles.Header(1 << 20, 1 << 20), Idat([0]), End);
        AssertRejects("a 1048576×1048576 image has more than the allowed 67108864 pixels", huge);
    }

    private static readonly byte[] End = PngTestFiles.Chunk("IEND", []);

    private static byte[] Idat(byte[] scanlines) => PngTestFiles.Chunk("IDAT", PngTestFiles.Deflate(scanlines));

    private static RgbImage Decode(byte[] data) => ImageFile.Decode(data, "test.png");

    private static byte[] DropAlpha(byte[] rgba) => rgba.Where((_, i) => i % 4 != 3).ToArray();

    /// <summary>A smooth image, so baseline JPEG at quality 100 without chroma subsampling stays close.</summary>
    internal static RgbImage SmoothImage()
    {
        var image = new RgbImage(16, 8);
        for (int y = 0; y < 8; y++)
        {
            for (int x = 0; x < 16; x++)
            {
                image.SetPixel(x, y, new RgbColor((byte)(x * 16), (byte)(y * 32), (byte)(128 + (x * 4) - (y * 8))));
            }
        }
        return image;
    }

    /// <summary>A JPEG of the image at quality 100, written by an encoder independent of the decoder under test (Skia's libjpeg-turbo).</summary>
    internal static byte[] Jpeg(RgbImage image)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                var pixel = image.GetPixel(x, y);
                bitmap.SetPixel(x, y, new SKColor(pixel.R, pixel.G, pixel.B));
            }
        }
        using var pixmap = bitmap.PeekPixels() ?? throw new InvalidOperationException("SkiaSharp gave no pixels");
        using var data = pixmap.Encode(new SKJpegEncoderOptions(100, SKJpegEncoderDownsample.Downsample444, SKJpegEncoderAlphaOption.Ignore))
            ?? throw new InvalidOperationException("SkiaSharp wrote no JPEG");
        return data.ToArray();
    }

    private static void AssertRejects(string expectedMessagePart, byte[] png)
    {
        var error = Assert.Throws<ImageFormatException>(() => Decode(png));
        Assert.StartsWith("test.png: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expectedMessagePart, error.Message, StringComparison.Ordinal);
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
