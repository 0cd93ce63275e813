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
    public void Draws_captions_in_a_band_below_each_image()
    {
        RgbImage[] images = [Solid(20, 10, 40), Solid(20, 10, 80)];

        RgbImage grid = ImageGrid.Compose(images, columns: 2, padding: 2, background: RgbColor.Black, captions: ["H", null]);

        int band = 1 + BitmapFont.LineHeight;
        Assert.Equal((2 * 20) + (3 * 2), grid.Width);
        Assert.Equal(10 + band + (2 * 2), grid.Height);
        AssertPlaced(grid, images[0], 2, 2);
        AssertPlaced(grid, images[1], 24, 2);
        // "H" is 5 pixels wide, centred in the 20-pixel cell, one pixel under the image, white on black.
        AssertGlyph(grid, 'H', 2 + ((20 - 5) / 2), 2 + 10 + 1, RgbColor.White, RgbColor.Black);
        // The second cell has no caption: its band is background only.
        Assert.Equal(20 * band, CountPixels(grid, RgbColor.Black, x0: 24, y0: 12, width: 20, height: band));
    }

    [Fact]
    public void Draws_captions_above_when_asked_with_a_contrasting_default_colour_and_a_scale()
    {
        RgbImage[] images = [Solid(30, 8, 100)];

        RgbImage grid = ImageGrid.Compose(
            images, columns: 1, padding: 3, background: RgbColor.White, captions: ["Hi"], captionPlacement: CaptionPlacement.Above, captionScale: 2);

        int band = 2 + (BitmapFont.LineHeight * 2);
        Assert.Equal(30 + 6, grid.Width);
        Assert.Equal(8 + band + 6, grid.Height);
        AssertPlaced(grid, images[0], 3, 3 + band);
        // "Hi" at scale 2 is (2 · 6 − 1) · 2 = 22 pixels wide, centred: offset 4; black on white.
        int left = 3 + ((30 - 22) / 2);
        for (int row = 0; row < BitmapFont.GlyphHeight * 2; row++)
        {
            for (int column = 0; column < BitmapFont.GlyphWidth * 2; column++)
            {
                RgbColor expected = BitmapFont.HasInk('H', column / 2, row / 2) ? RgbColor.Black : RgbColor.White;
                Assert.Equal(expected, grid.GetPixel(left + column, 3 + row));
            }
        }
        Assert.True(CountPixels(grid, RgbColor.Black) > 0);
    }

    [Fact]
    public void Wraps_long_captions_and_makes_every_band_as_tall_as_the_longest()
    {
        RgbImage[] images = [Solid(64, 16, 10), Solid(64, 16, 20)];

        RgbImage grid = ImageGrid.Compose(images, 2, captions: ["CFG 2.1 s, 40 UNet calls", "short"], captionColor: new RgbColor(0, 255, 0));

        // 64 pixels hold 10 characters: "CFG 2.1 s," / "40 UNet" / "calls".
        int band = 1 + (3 * BitmapFont.LineHeight);
        Assert.Equal(16 + band + 4, grid.Height);
        Assert.True(CountPixels(grid, new RgbColor(0, 255, 0)) > 0);
        AssertPlaced(grid, images[1], 2 + 64 + 2, 2);
    }

    [Fact]
    public void Rejects_bad_arguments()
    {
        RgbImage[] images = [Solid(2, 2, 1)];
        Assert.Throws<ArgumentException>(() => ImageGrid.Compose([], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.Compose(images, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.Compose(images, 1, padding: -1));
        Assert.Throws<ArgumentException>(() => ImageGrid.Compose(images, 1, captions: ["a", "b"]));
        Assert.Throws<ArgumentException>(() => ImageGrid.Compose([null!], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.Compose(images, 1, captions: ["a"], captionScale: 0));
    }

    [Fact]
    public void A_captioned_grid_encodes_and_decodes()
    {
        RgbImage[] images = Enumerable.Range(0, 4).Select(i => Random(32, 24, i)).ToArray();
        RgbImage grid = ImageGrid.Compose(images, 2, captions: ["seed 0", "seed 1", "seed 2", "seed 3"]);

        Assert.True(ImageFile.Decode(PngEncoder.Encode(grid)).PixelsEqual(grid));
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

    private static void AssertGlyph(RgbImage grid, char c, int left, int top, RgbColor ink, RgbColor paper)
    {
        for (int row = 0; row < BitmapFont.GlyphHeight; row++)
        {
            for (int column = 0; column < BitmapFont.GlyphWidth; column++)
            {
                Assert.Equal(BitmapFont.HasInk(c, column, row) ? ink : paper, grid.GetPixel(left + column, top + row));
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
