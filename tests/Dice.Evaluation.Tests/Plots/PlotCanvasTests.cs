using Dice.Evaluation.Plots;
using Dice.Core.Images;

namespace Dice.Evaluation.Tests.Plots;

public sealed class PlotCanvasTests
{
    private static readonly RgbColor Red = new(255, 0, 0);

    [Theory]
    [InlineData(2, 3, 40, 17)]
    [InlineData(40, 17, 2, 3)]
    [InlineData(5, 2, 9, 38)]
    [InlineData(30, 30, 3, 30)]
    [InlineData(10, 5, 10, 25)]
    [InlineData(3, 3, 33, 33)]
    [InlineData(7, 7, 7, 7)]
    public void Draws_a_connected_one_pixel_line_that_stays_within_half_a_pixel_of_the_ideal(int x0, int y0, int x1, int y1)
    {
        var canvas = new PlotCanvas(new RgbImage(48, 48));

        canvas.DrawLine(x0, y0, x1, y1, Red);

        List<(int X, int Y)> pixels = Pixels(canvas.Image, Red);
        int dx = x1 - x0;
        int dy = y1 - y0;
        Assert.Equal(Math.Max(Math.Abs(dx), Math.Abs(dy)) + 1, pixels.Count);
        Assert.Contains((x0, y0), pixels);
        Assert.Contains((x1, y1), pixels);
        foreach ((int x, int y) in pixels)
        {
            // Distance along the minor axis from the ideal line through the end points.
            double off = Math.Abs(dx) >= Math.Abs(dy)
                ? dx == 0 ? 0 : y - (y0 + ((double)(x - x0) * dy / dx))
                : x - (x0 + ((double)(y - y0) * dx / dy));
            Assert.True(Math.Abs(off) <= 0.5, $"({x}, {y}) is {off} pixels off the line");
        }
        // 8-connected: every pixel but the first has a neighbour among the others one step back.
        foreach ((int x, int y) in pixels)
        {
            Assert.True(pixels.Count == 1 || pixels.Any(p => p != (x, y) && Math.Abs(p.X - x) <= 1 && Math.Abs(p.Y - y) <= 1));
        }
    }

    [Fact]
    public void Thick_lines_stamp_a_square_on_every_line_pixel()
    {
        var canvas = new PlotCanvas(new RgbImage(30, 30));

        canvas.DrawLine(5, 10, 20, 10, Red, thickness: 3);

        List<(int X, int Y)> pixels = Pixels(canvas.Image, Red);
        Assert.Equal(18 * 3, pixels.Count);
        Assert.All(pixels, p => Assert.True(p.X is >= 4 and <= 21 && p.Y is >= 9 and <= 11));
    }

    [Fact]
    public void Clips_what_falls_outside_the_image()
    {
        var canvas = new PlotCanvas(new RgbImage(10, 10));

        canvas.DrawLine(-5, 5, 14, 5, Red, thickness: 2);
        canvas.DrawMarker(0, 0, PlotMarker.Square, 3, Red);

        Assert.Equal(Red, canvas.Image.GetPixel(0, 5));
        Assert.Equal(Red, canvas.Image.GetPixel(9, 5));
        Assert.Equal(Red, canvas.Image.GetPixel(3, 3));
    }

    [Theory]
    // (2r + 1)² for a square, 2r² + 2r + 1 for a diamond, for r = 3.
    [InlineData(PlotMarker.Square, 49)]
    [InlineData(PlotMarker.Diamond, 25)]
    public void Fills_markers_with_the_expected_number_of_pixels(PlotMarker marker, int count)
    {
        var canvas = new PlotCanvas(new RgbImage(20, 20));

        canvas.DrawMarker(10, 10, marker, 3, Red);

        Assert.Equal(count, Pixels(canvas.Image, Red).Count);
    }

    [Theory]
    [InlineData(PlotMarker.Circle)]
    [InlineData(PlotMarker.Square)]
    [InlineData(PlotMarker.Triangle)]
    [InlineData(PlotMarker.Diamond)]
    public void Centres_every_marker_on_its_point_within_its_radius(PlotMarker marker)
    {
        var canvas = new PlotCanvas(new RgbImage(20, 20));

        canvas.DrawMarker(10, 10, marker, 4, Red);

        List<(int X, int Y)> pixels = Pixels(canvas.Image, Red);
        Assert.Contains((10, 10), pixels);
        Assert.All(pixels, p => Assert.True(Math.Abs(p.X - 10) <= 4 && Math.Abs(p.Y - 10) <= 4));
        // Left-right symmetric.
        Assert.All(pixels, p => Assert.Contains((20 - p.X, p.Y), pixels));
    }

    [Fact]
    public void Draws_text_upwards_as_the_font_s_glyphs_turned_anticlockwise()
    {
        const string text = "Ab1";
        const int scale = 2;
        var canvas = new PlotCanvas(new RgbImage(40, 60));

        canvas.DrawTextUpwards(5, 7, text, Red, scale);

        int width = BitmapFont.MeasureWidth(text, scale);
        for (int row = -2; row < (BitmapFont.GlyphHeight * scale) + 2; row++)
        {
            for (int column = -2; column < width + 2; column++)
            {
                // Horizontal text pixel (column, row) lands at (x + row, y + width − 1 − column).
                int character = column / (BitmapFont.Advance * scale);
                bool ink = column >= 0 && row >= 0 && character < text.Length
                    && BitmapFont.HasInk(text[character], (column % (BitmapFont.Advance * scale)) / scale, row / scale);
                Assert.Equal(ink, canvas.Image.GetPixel(5 + row, 7 + width - 1 - column) == Red);
            }
        }
    }

    private static List<(int X, int Y)> Pixels(RgbImage image, RgbColor color)
    {
        var pixels = new List<(int X, int Y)>();
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                if (image.GetPixel(x, y) == color)
                {
                    pixels.Add((x, y));
                }
            }
        }
        return pixels;
    }
}
