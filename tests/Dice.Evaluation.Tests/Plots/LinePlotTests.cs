using Dice.Evaluation.Plots;
using Dice.Core.Images;

namespace Dice.Evaluation.Tests.Plots;

public sealed class LinePlotTests
{
    private static readonly double[] Strengths = [1, 2, 3, 4.5, 6, 7.5];

    [Theory]
    [InlineData(720, 480)]
    [InlineData(320, 200)]
    [InlineData(1000, 300)]
    public void Renders_an_image_of_the_requested_size(int width, int height)
    {
        RgbImage image = StrengthSweep(width, height).Render();

        Assert.Equal(width, image.Width);
        Assert.Equal(height, image.Height);
        Assert.Equal(LinePlot.Background, image.GetPixel(0, 0));
        Assert.Equal(LinePlot.Background, image.GetPixel(width - 1, height - 1));
    }

    [Fact]
    public void Draws_every_series_in_its_own_palette_colour()
    {
        LinePlot plot = StrengthSweep();

        RgbImage image = plot.Render();

        Assert.Equal(plot.Series.Count, plot.Series.Select(series => series.Color).Distinct().Count());
        for (int i = 0; i < plot.Series.Count; i++)
        {
            Assert.Equal(LinePlot.Palette[i], plot.Series[i].Color);
            Assert.True(Count(image, plot.Series[i].Color) > 0, $"no pixel of {plot.Series[i].Name}'s colour {plot.Series[i].Color}");
        }
    }

    [Fact]
    public void Keeps_palette_colours_apart_from_background_ink_and_grid()
    {
        RgbColor[] reserved = [LinePlot.Background, LinePlot.Ink, LinePlot.GridColor];

        Assert.Equal(LinePlot.Palette.Count, LinePlot.Palette.Distinct().Count());
        Assert.DoesNotContain(LinePlot.Palette, reserved.Contains);
    }

    [Fact]
    public void Puts_each_point_s_marker_on_the_pixel_the_plot_area_maps_it_to()
    {
        LinePlot plot = StrengthSweep();

        RgbImage image = plot.Render();
        PlotArea area = plot.Layout();

        foreach (PlotSeries series in plot.Series)
        {
            for (int i = 0; i < series.Count; i++)
            {
                (int x, int y) = area.ToPixel(series.X[i], series.Y[i]);
                Assert.Equal(series.Color, image.GetPixel(x, y));
            }
        }
    }

    [Fact]
    public void Draws_a_marker_of_the_configured_radius_around_a_lone_point()
    {
        var colour = new RgbColor(10, 200, 90);
        var plot = new LinePlot(400, 300) { MarkerRadius = 4, XRange = (0, 1), YRange = (0, 1) };
        plot.AddSeries("only", [0.5], [0.5], colour, PlotMarker.Square);

        RgbImage image = plot.Render();
        (int x, int y) = plot.Layout().ToPixel(0.5, 0.5);

        for (int dy = -4; dy <= 4; dy++)
        {
            for (int dx = -4; dx <= 4; dx++)
            {
                Assert.Equal(colour, image.GetPixel(x + dx, y + dy));
            }
        }
        Assert.NotEqual(colour, image.GetPixel(x + 5, y));
        Assert.NotEqual(colour, image.GetPixel(x, y - 5));
    }

    [Fact]
    public void Lays_the_axes_out_on_round_ticks_covering_data_and_requested_ranges()
    {
        LinePlot plot = StrengthSweep();
        plot.YRange = (0, 1);

        PlotArea area = plot.Layout();

        Assert.Equal(0, area.XMin);
        Assert.Equal(8, area.XMax);
        Assert.Equal(0, area.YMin);
        Assert.Equal(1, area.YMax);

        plot.AddSeries("outlier", [9], [1.3]);
        area = plot.Layout();
        Assert.True(area.XMax >= 9 && area.YMax >= 1.3);
        Assert.Equal(0, area.YMin);
    }

    [Fact]
    public void Keeps_the_plot_area_inside_the_image_and_the_legend_to_its_right()
    {
        LinePlot plot = StrengthSweep();

        RgbImage image = plot.Render();
        PlotArea area = plot.Layout();

        Assert.True(area.Left > 0 && area.Top > 0 && area.Right < image.Width - 1 && area.Bottom < image.Height - 1);
        foreach (PlotSeries series in plot.Series)
        {
            Assert.True(Count(image, series.Color, fromColumn: area.Right + 1) > 0, $"no legend entry for {series.Name}");
        }
        Assert.True(Count(image, LinePlot.Ink, fromColumn: area.Right + 1) > 0, "no legend text");
    }

    [Theory]
    [InlineData("title")]
    [InlineData("x")]
    [InlineData("y")]
    public void Draws_titles_in_ink(string which)
    {
        LinePlot plain = StrengthSweep();
        LinePlot titled = StrengthSweep();
        switch (which)
        {
            case "title":
                titled.Title = "Attribute accuracy";
                break;
            case "x":
                titled.XAxisTitle = "guidance scale";
                break;
            default:
                titled.YAxisTitle = "accuracy";
                break;
        }

        Assert.True(Count(titled.Render(), LinePlot.Ink) > Count(plain.Render(), LinePlot.Ink));
    }

    [Fact]
    public void Renders_the_same_pixels_and_png_bytes_for_the_same_input()
    {
        using var directory = new TempDirectory();
        LinePlot first = StrengthSweep();
        LinePlot second = StrengthSweep();

        RgbImage a = first.Render();
        RgbImage b = second.Render();
        first.WritePng(directory.File("a.png"));
        second.WritePng(directory.File("b.png"));

        Assert.True(a.PixelsEqual(b));
        Assert.Equal(PngEncoder.Encode(a), PngEncoder.Encode(b));
        Assert.Equal(File.ReadAllBytes(directory.File("a.png")), File.ReadAllBytes(directory.File("b.png")));
        Assert.True(PngFile.Read(directory.File("a.png")).ToRgbImage().PixelsEqual(a));
    }

    [Fact]
    public void Copies_the_points_it_is_given()
    {
        double[] x = [1, 2];
        double[] y = [3, 4];
        var plot = new LinePlot();

        PlotSeries series = plot.AddSeries("s", x, y);
        x[0] = 100;
        y[0] = 100;

        Assert.Equal([1.0, 2.0], series.X);
        Assert.Equal([3.0, 4.0], series.Y);
    }

    [Fact]
    public void Rejects_a_series_without_points()
    {
        var error = Assert.Throws<ArgumentException>(() => new LinePlot().AddSeries("DICE", [], []));
        Assert.Contains("\"DICE\" has no points", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.NaN, 0.5)]
    [InlineData(2, double.NaN)]
    [InlineData(double.PositiveInfinity, 0.5)]
    [InlineData(2, double.NegativeInfinity)]
    public void Rejects_non_finite_coordinates(double x, double y)
    {
        var error = Assert.Throws<ArgumentException>(() => new LinePlot().AddSeries("CFG", [1, x], [0.2, y]));
        Assert.Contains("\"CFG\", point 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_mismatched_coordinates_and_blank_names()
    {
        Assert.Throws<ArgumentException>(() => new LinePlot().AddSeries("s", [1, 2], [1]));
        Assert.Throws<ArgumentException>(() => new LinePlot().AddSeries(" ", [1], [1]));
        Assert.Throws<ArgumentException>(() => new LinePlot { YRange = (1, 0) });
        Assert.Throws<ArgumentException>(() => new LinePlot { XRange = (0, double.NaN) });
    }

    [Fact]
    public void Needs_a_series_and_room_for_the_plot_area()
    {
        Assert.Throws<InvalidOperationException>(() => new LinePlot().Render());

        var tiny = new LinePlot(60, 40);
        tiny.AddSeries("a rather long series name", [0, 1], [0, 1]);
        Assert.Throws<InvalidOperationException>(() => tiny.Render());
    }

    private static LinePlot StrengthSweep(int width = 720, int height = 480)
    {
        var plot = new LinePlot(width, height);
        plot.AddSeries("CFG", Strengths, Strengths.Select(s => 0.40 + (0.5 * (1 - Math.Exp(-s / 2)))).ToArray());
        plot.AddSeries("naive", Strengths, Strengths.Select(s => 0.30 + (0.3 * (1 - Math.Exp(-s / 3)))).ToArray());
        plot.AddSeries("DICE", Strengths, Strengths.Select(s => 0.20 + (0.6 * (1 - Math.Exp(-s / 1.5)))).ToArray());
        return plot;
    }

    private static int Count(RgbImage image, RgbColor color, int fromColumn = 0)
    {
        int count = 0;
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = fromColumn; x < image.Width; x++)
            {
                if (image.GetPixel(x, y) == color)
                {
                    count++;
                }
            }
        }
        return count;
    }
}
