using System.Buffers.Binary;
using System.Text;
using Dice.Core.Images;

namespace Dice.Core.Tests.Images;

public sealed class PngEncoderTests
{
    [Fact]
    public void Writes_the_structure_the_specification_prescribes()
    {
        RgbImage image = PngTestFiles.RandomImage(7, 3, seed: 11);

        byte[] png = PngEncoder.Encode(image);

        Assert.Equal(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }, png[..8]);
        // IHDR comes first: length 13, then the type.
        Assert.Equal(new byte[] { 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R' }, png[8..16]);
        Assert.Equal(new byte[] { 0, 0, 0, 7 }, png[16..20]); // width, big-endian
        Assert.Equal(new byte[] { 0, 0, 0, 3 }, png[20..24]); // height, big-endian
        Assert.Equal(8, png[24]); // bit depth
        Assert.Equal(2, png[25]); // colour type: truecolour
        Assert.Equal(new byte[] { 0, 0, 0 }, png[26..29]); // compression, filter, interlace
        // IEND is last: zero length, type, CRC 0xAE426082.
        Assert.Equal(new byte[] { 0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82 }, png[^12..]);

        List<ParsedChunk> chunks = PngTestFiles.Parse(png);
        Assert.All(chunks, chunk => Assert.True(chunk.CrcIsValid, chunk.Type));
        Assert.Equal(["IHDR", "IDAT", "IEND"], chunks.Select(c => c.Type));
    }

    [Fact]
    public void Writes_the_known_crc_of_a_one_pixel_rgb_header()
    {
        byte[] png = PngEncoder.Encode(new RgbImage(1, 1));

        // The IHDR of every 1×1 8-bit RGB non-interlaced PNG has the CRC-32 0x907753DE.
        Assert.Equal(new byte[] { 0x90, 0x77, 0x53, 0xDE }, png[29..33]);
    }

    [Fact]
    public void Unfiltered_scanlines_are_the_rows_each_after_a_zero_byte()
    {
        RgbImage image = PngTestFiles.RandomImage(5, 4, seed: 12);

        byte[] png = PngEncoder.Encode(image, options: new PngEncoderOptions { Filter = PngFilterType.None });

        byte[] idat = PngTestFiles.Parse(png).Where(c => c.Type == "IDAT").SelectMany(c => c.Data).ToArray();
        Assert.Equal(0x78, idat[0]); // zlib header: deflate with a 32K window
        Assert.Equal(0, ((idat[0] << 8) | idat[1]) % 31); // header check bits
        byte[] raw = PngTestFiles.Inflate(idat);
        Assert.Equal(4 * (1 + 15), raw.Length);
        for (int y = 0; y < 4; y++)
        {
            Assert.Equal(0, raw[y * 16]);
            Assert.Equal(image.Row(y).ToArray(), raw.AsSpan((y * 16) + 1, 15).ToArray());
        }
    }

    [Theory]
    [InlineData(PngFilterType.Sub)]
    [InlineData(PngFilterType.Up)]
    [InlineData(PngFilterType.Average)]
    [InlineData(PngFilterType.Paeth)]
    public void Each_fixed_filter_matches_the_formula_of_the_specification(PngFilterType filter)
    {
        RgbImage image = PngTestFiles.RandomImage(6, 5, seed: 13);

        byte[] png = PngEncoder.Encode(image, options: new PngEncoderOptions { Filter = filter });

        byte[] raw = PngTestFiles.Inflate(PngTestFiles.Parse(png).Where(c => c.Type == "IDAT").SelectMany(c => c.Data).ToArray());
        int stride = image.Stride;
        for (int y = 0; y < image.Height; y++)
        {
            byte[]? prior = y == 0 ? null : image.Row(y - 1).ToArray();
            byte[] expected = PngTestFiles.FilterByHand((byte)filter, image.Row(y).ToArray(), prior, 3);
            Assert.Equal((byte)filter, raw[y * (stride + 1)]);
            Assert.Equal(expected, raw.AsSpan((y * (stride + 1)) + 1, stride).ToArray());
        }
    }

    [Fact]
    public void Adaptive_filtering_picks_predictive_filters_for_smooth_images_and_compresses_better()
    {
        var gradient = new RgbImage(64, 48);
        for (int y = 0; y < 48; y++)
        {
            for (int x = 0; x < 64; x++)
            {
                gradient.SetPixel(x, y, new RgbColor((byte)(x * 3), (byte)(y * 5), (byte)((x + y) * 2)));
            }
        }

        byte[] adaptive = PngEncoder.Encode(gradient);
        byte[] none = PngEncoder.Encode(gradient, options: new PngEncoderOptions { Filter = PngFilterType.None });

        byte[] raw = PngTestFiles.Inflate(PngTestFiles.Parse(adaptive).Where(c => c.Type == "IDAT").SelectMany(c => c.Data).ToArray());
        var filters = Enumerable.Range(0, 48).Select(y => raw[y * ((64 * 3) + 1)]).ToList();
        Assert.All(filters, f => Assert.InRange(f, (byte)0, (byte)4));
        Assert.DoesNotContain((byte)0, filters);
        Assert.True(adaptive.Length < none.Length, $"adaptive {adaptive.Length} bytes, none {none.Length}");
        Assert.True(ImageFile.Decode(adaptive).PixelsEqual(gradient));
    }

    [Fact]
    public void Adaptive_choice_breaks_ties_towards_the_lowest_filter_type()
    {
        byte[] row = new byte[12];
        byte[] prior = new byte[12];
        var output = new byte[12];

        Assert.Equal(PngFilterType.None, PngFilters.FilterAdaptive(row, prior, 3, output, new byte[12]));
    }

    [Fact]
    public void Paeth_predictor_prefers_left_then_above_then_upper_left()
    {
        Assert.Equal(10, PngFilters.PaethPredictor(10, 10, 10)); // all tie: a
        Assert.Equal(20, PngFilters.PaethPredictor(10, 20, 10)); // p = 20: b exact
        Assert.Equal(10, PngFilters.PaethPredictor(10, 20, 20)); // p = 10: a exact
        Assert.Equal(20, PngFilters.PaethPredictor(10, 20, 5)); // p = 25: pa 15, pb 5, pc 20
        Assert.Equal(15, PngFilters.PaethPredictor(10, 20, 15)); // p = 15: pa 5, pb 5, pc 0
        Assert.Equal(10, PngFilters.PaethPredictor(10, 20, 30)); // p = 0: pa 10, pb 20, pc 30
        Assert.Equal(255, PngFilters.PaethPredictor(255, 255, 0)); // p = 510: a and b tie, a wins
    }

    [Fact]
    public void Is_deterministic()
    {
        RgbImage image = PngTestFiles.RandomImage(33, 17, seed: 14);
        PngTextChunk[] text = [new("Software", "Dice"), new("Parameters", "steps 40")];

        byte[] first = PngEncoder.Encode(image, text);
        byte[] second = PngEncoder.Encode(image.Clone(), [new("Software", "Dice"), new("Parameters", "steps 40")]);
        using var stream = new MemoryStream();
        PngEncoder.Encode(stream, image, text);

        Assert.Equal(first, second);
        Assert.Equal(first, stream.ToArray());
        Assert.NotEqual(first, PngEncoder.Encode(image, [new("Software", "Dice"), new("Parameters", "steps 41")]));
    }

    [Fact]
    public void Writes_text_chunks_in_order_between_the_header_and_the_data()
    {
        RgbImage image = PngTestFiles.RandomImage(3, 2, seed: 15);

        byte[] png = PngEncoder.Encode(image, [new("Software", "Dice"), new("Parameters", "CFG 7.5\nsteps 40, café")]);

        List<ParsedChunk> chunks = PngTestFiles.Parse(png);
        Assert.Equal(["IHDR", "tEXt", "tEXt", "IDAT", "IEND"], chunks.Select(c => c.Type));
        Assert.Equal("Software\0Dice"u8.ToArray(), chunks[1].Data);
        byte[] expected = [.. "Parameters\0CFG 7.5\nsteps 40, caf"u8, 0xE9]; // é in Latin-1
        Assert.Equal(expected, chunks[2].Data);
        Assert.All(chunks, chunk => Assert.True(chunk.CrcIsValid));

        var (_, text) = ImageFile.DecodeWithText(png, "test.png", ImageFile.DefaultMaxPixels);
        var decoded = new DecodedPng(new RgbImage(1, 1), text);
        Assert.Equal("Dice", decoded.GetText("Software"));
        Assert.Equal("CFG 7.5\nsteps 40, café", decoded.GetText("Parameters"));
        Assert.Null(decoded.GetText("software"));
        Assert.Equal(["Software", "Parameters"], decoded.Text.Select(t => t.Keyword));
    }

    [Fact]
    public void Splits_the_compressed_stream_over_consecutive_idat_chunks()
    {
        RgbImage image = PngTestFiles.RandomImage(16, 16, seed: 16);

        byte[] png = PngEncoder.Encode(image, options: new PngEncoderOptions { MaxIdatLength = 100 });

        List<ParsedChunk> chunks = PngTestFiles.Parse(png);
        List<ParsedChunk> idat = chunks.Where(c => c.Type == "IDAT").ToList();
        Assert.True(idat.Count > 5);
        Assert.All(idat.SkipLast(1), c => Assert.Equal(100, c.Data.Length));
        Assert.Equal(["IHDR", .. Enumerable.Repeat("IDAT", idat.Count), "IEND"], chunks.Select(c => c.Type));
        Assert.True(ImageFile.Decode(png).PixelsEqual(image));
    }

    [Fact]
    public void Writes_rgba_as_colour_type_6()
    {
        byte[] rgba = PngTestFiles.RandomBytes(5 * 3 * 4, seed: 17);

        byte[] png = PngEncoder.Encode(5, 3, PngColorType.Rgba, rgba);

        Assert.Equal(6, png[25]);
        // The reader drops alpha: it gets the RGB of each pixel.
        byte[] rgb = rgba.Where((_, i) => i % 4 != 3).ToArray();
        Assert.Equal(rgb, ImageFile.Decode(png).Pixels.ToArray());
    }

    [Fact]
    public void Rejects_bad_arguments_before_writing_anything()
    {
        using var stream = new MemoryStream();
        Assert.Throws<ArgumentException>(() => PngEncoder.Encode(stream, 2, 2, PngColorType.Rgb, new byte[11]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PngEncoder.Encode(stream, 0, 2, PngColorType.Rgb, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => PngEncoder.Encode(stream, 1, 1, (PngColorType)3, new byte[3]));
        Assert.Throws<ArgumentException>(() => PngEncoder.Encode(stream, new RgbImage(1, 1), options: new PngEncoderOptions { CompressionLevel = 10 }));
        Assert.Throws<ArgumentException>(() => PngEncoder.Encode(stream, new RgbImage(1, 1), options: new PngEncoderOptions { Filter = (PngFilterType)5 }));
        Assert.Throws<ArgumentException>(() => PngEncoder.Encode(stream, new RgbImage(1, 1), [null!]));
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void Every_compression_level_round_trips()
    {
        RgbImage image = PngTestFiles.RandomImage(9, 9, seed: 18);
        for (int level = 0; level <= 9; level++)
        {
            byte[] png = PngEncoder.Encode(image, options: new PngEncoderOptions { CompressionLevel = level });
            Assert.True(ImageFile.Decode(png).PixelsEqual(image), $"level {level}");
        }
    }

    [Fact]
    public void Header_width_and_height_are_big_endian_for_large_values()
    {
        var image = new RgbImage(300, 1);
        byte[] png = PngEncoder.Encode(image);
        Assert.Equal(300u, BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(new byte[] { 0, 0, 1, 44 }, png[16..20]);
        Assert.Equal("IHDR", Encoding.ASCII.GetString(png, 12, 4));
    }
}
