using Dice.Core.Images;

namespace Dice.Core.Tests.Images;

public sealed class ImageGridTests
{
    private static readonly RgbColor Magenta = new(255, 0, 255);

    [Fact]
    public void Sizes_the_grid_from_columns_cells_and_padding()
    {
        RgbImage[] images = [Solid(4, 3, 1), Solid(2, 5, 2), Solid(3, 3, 3)];

        RgbImage grid = ImageGrid.Compose(images, columns: 2, padding: 2, background: Magenta);

        // Cells are 4 × 5 (widest, tallest); 2 columns, 2 rows, padding between cells and around the grid.
        Assert.Equal((2 * 4) + (3 * 2), grid.Width);
        Assert.Equal((2 * 5) + (3 * 2), grid.Height);
    }

    [Fact]
    public void Puts_each_image_centred_in_its_cell_and_background_everywhere_else()
    {
        RgbImage[] images = [Random(4, 3, 1), Random(2, 5, 2), Random(3, 3, 3)];

        RgbImage grid = ImageGrid.Compose(images, columns: 2, padding: 2, background: Magenta);

        // Image 0: cell (2, 2), centred vertically: (5 − 3) / 2 = 1.
        AssertPlaced(grid, images[0], 2, 3);
        // Image 1: cell (2 + 4 + 2, 2), centred horizontally: (4 − 2) / 2 = 1.
        AssertPlaced(grid, images[1], 9, 2);
        // Image 2: second row, cell (2, 2 + 5 + 2), offsets ((4 − 3) / 2, (5 − 3) / 2) = (0, 1).
        AssertPlaced(grid, images[2], 2, 10);
        int imagePixels = images.Sum(image => image.Width * image.Height);
        Assert.Equal((grid.Width * grid.Height) - imagePixels, CountPixels(grid, Magenta));
    }

    [Fact]
    public void Same_size_images_tile_exactly()
    {
        RgbImage[] images = Enumerable.Range(0, 6).Select(i => Random(5, 4, 10 + i)).ToArray();

        RgbImage grid = ImageGrid.Compose(images, columns: 3, padding: 1, background: Magenta);

        Assert.Equal((3 * 5) + 4, grid.Width);
        Assert.Equal((2 * 4) + 3, grid.Height);
        for (int i = 0; i < 6; i++)
        {
            AssertPlaced(grid, images[i], 1 + ((i % 3) * 6), 1 + ((i / 3) * 5));
        }
    }

    [Fact]
    public void Uses_no_more_columns_than_images_and_allows_zero_padding()
    {
        RgbImage[] images = [Random(3, 2, 1), Random(3, 2, 2)];

        RgbImage grid = ImageGrid.Compose(images, columns: 4, padding: 0);

        Assert.Equal(6, grid.Width);
        Assert.Equal(2, grid.Height);
        AssertPlaced(grid, images[0], 0, 0);
        AssertPlaced(grid, images[1], 3, 0);
    }

    [Fact]
    public void Leaves_the_unused_cells_of_the_last_row_as_background()
    {
        RgbImage[] images = [Random(2, 2, 1), Random(2, 2, 2), Random(2, 2, 3)];

        RgbImage grid = ImageGrid.Compose(images, columns: 2, padding: 1, background: Magenta);

        Assert.Equal(7, grid.Width);
        Assert.Equal(7, grid.Height);
        Assert.Equal((7 * 7) - 12, CountPixels(grid, Magenta));
    }

    [Fact]
    public void Panel_scale_for_small_images_reaches_the_legible_side()
    {
        // ceil(256 / side), at least 1.
        Assert.Equal(8, ImageGrid.PanelScaleFor(32));
        Assert.Equal(4, ImageGrid.PanelScaleFor(64));
        Assert.Equal(6, ImageGrid.PanelScaleFor(48));
        Assert.Equal(1, ImageGrid.PanelScaleFor(512));
        Assert.Equal(3, ImageGrid.PanelScaleFor(10, minimumSide: 25));
    }

    [Fact]
    public void Enlarges_panels_by_pixel_repetition()
    {
        RgbImage[] images = [Random(3, 2, 1), Random(3, 2, 2)];

        RgbImage grid = ImageGrid.Compose(images, columns: 2, padding: 1, background: Magenta, panelScale: 4);

        // Panels 12 × 8; 2 columns: 1 + 12 + 1 + 12 + 1.
        Assert.Equal(27, grid.Width);
        Assert.Equal(10, grid.Height);
        for (int y = 0; y < 8; y++)
        {
            for (int x = 0; x < 12; x++)
            {
                Assert.Equal(images[0].GetPixel(x / 4, y / 4), grid.GetPixel(1 + x, 1 + y));
                Assert.Equal(images[1].GetPixel(x / 4, y / 4), grid.GetPixel(14 + x, 1 + y));
            }
        }
    }

    [Fact]
    public void Draws_each_column_heading_once_in_a_band_above_the_first_row()
    {
        RgbImage[] images = [Solid(30, 10, 40), Solid(30, 10, 80), Solid(30, 10, 120), Solid(30, 10, 160)];

        RgbImage grid = ImageGrid.Compose(images, columns: 2, padding: 2, background: RgbColor.Black, columnHeadings: ["H", "I"]);

        // One line of text at scale 2: 10 · 2 = 20 pixels, then the padding below it.
        int band = 20 + 2;
        Assert.Equal((2 * 30) + (3 * 2), grid.Width);
        Assert.Equal(band + (2 * 10) + (3 * 2), grid.Height);
        AssertPlaced(grid, images[0], 2, 2 + band);
        AssertPlaced(grid, images[3], 2 + 30 + 2, 2 + band + 10 + 2);
        // "H" at scale 2 is 10 pixels wide, centred in the 30-pixel panel: 2 + 10; white on black (contrast).
        AssertGlyph(grid, 'H', 2 + 10, 2, 2, RgbColor.White, RgbColor.Black);
        AssertGlyph(grid, 'I', 2 + 30 + 2 + 10, 2, 2, RgbColor.White, RgbColor.Black);
        // Between the rows there is no text: only the heading band has ink.
        Assert.Equal(0, CountPixels(grid, RgbColor.White, y0: 2 + band, height: grid.Height - 2 - band));
    }

    [Fact]
    public void Draws_row_labels_in_a_side_panel_as_wide_as_a_panel_and_wraps_them()
    {
        RgbImage[] images = [Solid(64, 40, 10), Solid(64, 40, 20)];

        RgbImage grid = ImageGrid.Compose(images, columns: 1, padding: 3, background: RgbColor.White, rowLabels: ["a b", "Hi there"]);

        // Side panel 64 + 3 wide; one column of 64.
        Assert.Equal(3 + 64 + 3 + 64 + 3, grid.Width);
        Assert.Equal(3 + 40 + 3 + 40 + 3, grid.Height);
        AssertPlaced(grid, images[0], 3 + 64 + 3, 3);
        AssertPlaced(grid, images[1], 3 + 64 + 3, 3 + 40 + 3);
        // 64 pixels hold (64 + 2) / 12 = 5 characters at scale 2: "Hi there" wraps to "Hi" / "there"; black on white.
        AssertGlyph(grid, 'H', 3, 3 + 40 + 3, 2, RgbColor.Black, RgbColor.White);
        AssertGlyph(grid, 't', 3, 3 + 40 + 3 + 20, 2, RgbColor.Black, RgbColor.White);
        AssertGlyph(grid, 'a', 3, 3, 2, RgbColor.Black, RgbColor.White);
    }

    [Fact]
    public void Heading_band_is_as_tall_as_the_longest_wrapped_heading()
    {
        RgbImage[] images = [Solid(64, 16, 10), Solid(64, 16, 20)];

        RgbImage grid = ImageGrid.Compose(images, 2, columnHeadings: ["CFG 2.1 s, 40 UNet calls", "short"]);

        // 5 characters a line: "CFG" / "2.1" / "s, 40" / "UNet" / "calls" — five lines of 20 pixels.
        Assert.Equal(2 + (5 * 20) + 2 + 16 + 2, grid.Height);
        AssertPlaced(grid, images[1], 2 + 64 + 2, 2 + 100 + 2);
    }

    [Fact]
    public void Rejects_bad_arguments()
    {
        RgbImage[] images = [Solid(2, 2, 1)];
        Assert.Throws<ArgumentException>(() => ImageGrid.Compose([], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.Compose(images, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.Compose(images, 1, padding: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.Compose(images, 1, panelScale: 0));
        Assert.Throws<ArgumentException>(() => ImageGrid.Compose(images, 1, columnHeadings: ["a", "b"]));
        Assert.Throws<ArgumentException>(() => ImageGrid.Compose(images, 1, rowLabels: ["a", "b"]));
        Assert.Throws<ArgumentException>(() => ImageGrid.Compose([null!], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.PanelScaleFor(0));
    }

    [Fact]
    public void The_same_inputs_give_the_same_png_bytes_and_the_png_round_trips()
    {
        RgbImage[] images = Enumerable.Range(0, 4).Select(i => Random(32, 24, i)).ToArray();
        byte[] Encode() => PngEncoder.Encode(ImageGrid.Compose(
            images, 2, background: RgbColor.White, panelScale: 3, columnHeadings: ["CFG w=5", "DICE a=1"], rowLabels: ["seed 0", "seed 1"]));

        byte[] first = Encode();

        Assert.Equal(first, Encode());
        RgbImage decoded = ImageFile.Decode(first);
        Assert.Equal((2 + (96 + 2) + (2 * (96 + 2)), 2 + 22 + (2 * (72 + 2))), (decoded.Width, decoded.Height));
        Assert.True(CountPixels(decoded, RgbColor.Black) > 0, "no text drawn");
    }

    private static RgbImage Solid(int width, int height, byte value)
    {
        var image = new RgbImage(width, height);
        image.Fill(new RgbColor(value, value, value));
        return image;
    }

    /// <summary>Random pixels whose red never reaches 255, so none can be mistaken for the magenta background.</summary>
    private static RgbImage Random(int width, int height, int seed)
    {
        RgbImage image = PngTestFiles.RandomImage(width, height, seed);
        Span<byte> pixels = image.Pixels;
        for (int i = 0; i < pixels.Length; i += 3)
        {
            pixels[i] = (byte)(pixels[i] % 250);
        }
        return image;
    }

    private static void AssertPlaced(RgbImage grid, RgbImage image, int left, int top)
    {
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                Assert.Equal(image.GetPixel(x, y), grid.GetPixel(left + x, top + y));
            }
        }
    }

    private static void AssertGlyph(RgbImage grid, char c, int left, int top, int scale, RgbColor ink, RgbColor paper)
    {
        for (int row = 0; row < BitmapFont.GlyphHeight * scale; row++)
        {
            for (int column = 0; column < BitmapFont.GlyphWidth * scale; column++)
            {
                bool inked = BitmapFont.HasInk(c, column / scale, row / scale);
                Assert.Equal(inked ? ink : paper, grid.GetPixel(left + column, top + row));
            }
        }
    }

    private static int CountPixels(RgbImage image, RgbColor color, int x0 = 0, int y0 = 0, int width = -1, int height = -1)
    {
        width = width < 0 ? image.Width : width;
        height = height < 0 ? image.Height : height;
        int count = 0;
        for (int y = y0; y < y0 + height; y++)
        {
            for (int x = x0; x < x0 + width; x++)
            {
                count += image.GetPixel(x, y) == color ? 1 : 0;
            }
        }
        return count;
    }
}
