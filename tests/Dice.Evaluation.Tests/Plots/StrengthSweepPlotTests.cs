using Dice.Core.Images;
using Dice.Evaluation.Metrics;
using Dice.Evaluation.Plots;
using ScottPlot;

namespace Dice.Evaluation.Tests.Plots;

public sealed class StrengthSweepPlotTests
{
    private static readonly RgbColor White = new(255, 255, 255);

    [Fact]
    public void Quality_sweeps_are_one_labelled_series_each_on_titled_axes()
    {
        Plot plot = StrengthSweepPlot.Build(QualityReport());

        var series = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().ToList();
        Assert.Equal(["CFG, w 1 to 7", "DICE, α 0 to 2", "naive scaling, s 1.5 to 3", "unguided"], series.Select(s => s.LegendText));
        // CFG's points are (Fréchet distance, accuracy) of its rows, in order.
        Assert.Equal([(4.0, 0.5), (2.0, 0.8), (1.5, 0.9)], series[0].Data.GetScatterPoints().Select(p => (p.X, p.Y)));
        Assert.Equal("Attribute accuracy vs Fréchet distance as strength grows", plot.Axes.Title.Label.Text);
        Assert.Equal("Fréchet distance, classifier features (lower is better)", plot.Axes.Bottom.Label.Text);
        Assert.Equal("attribute accuracy", plot.Axes.Left.Label.Text);
    }

    [Fact]
    public void Without_quality_metrics_it_plots_cfg_fidelity_against_strength_and_leaves_unguided_out()
    {
        EvaluationReport report = QualityReport() with
        {
            GuidanceSweep = [],
            AlphaSweep = [Row(EvaluationMethod.Dice(0), null, null, 0.30), Row(EvaluationMethod.Dice(1), null, null, 0.10)],
            ScalingGrid = [],
        };

        Plot plot = StrengthSweepPlot.Build(report);

        var series = Assert.Single(plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>());
        Assert.Equal("DICE, α 0 to 1", series.LegendText);
        Assert.Equal([(0.0, 0.30), (1.0, 0.10)], series.Data.GetScatterPoints().Select(p => (p.X, p.Y)));
        Assert.Equal("strength (w, α or s)", plot.Axes.Bottom.Label.Text);
        Assert.Equal("RMSE to CFG image", plot.Axes.Left.Label.Text);
    }

    [Fact]
    public void The_png_has_the_plot_size_a_white_margin_text_above_and_beside_and_each_series_colour()
    {
        byte[] png = StrengthSweepPlot.RenderPng(QualityReport());

        RgbImage image = ImageFile.Decode(png);
        Assert.Equal((StrengthSweepPlot.Width, StrengthSweepPlot.Height), (image.Width, image.Height));
        Assert.Equal(White, image.GetPixel(0, 0));
        Assert.Equal(White, image.GetPixel(image.Width - 1, image.Height - 1));
        // Title centred in the top 40 rows; the x-axis title in the bottom 30; the y-axis title in the left 30 columns.
        Assert.True(CountInk(image, image.Width / 4, 0, image.Width / 2, 40) > 200, "no title");
        Assert.True(CountInk(image, image.Width / 4, image.Height - 30, image.Width / 2, 30) > 200, "no x-axis title");
        Assert.True(CountInk(image, 0, image.Height / 4, 30, image.Height / 2) > 100, "no y-axis title");
        // The legend sits right of the plot area, in the last fifth of the width.
        Assert.True(CountInk(image, image.Width * 4 / 5, image.Height / 4, image.Width / 5, image.Height / 2) > 300, "no legend");
        foreach (var series in StrengthSweepPlot.Build(QualityReport()).GetPlottables().OfType<ScottPlot.Plottables.Scatter>())
        {
            var colour = new RgbColor(series.Color.R, series.Color.G, series.Color.B);
            Assert.True(Count(image, colour) > 20, $"series {series.LegendText} not drawn in {colour}");
        }
    }

    [Fact]
    public void The_same_report_gives_the_same_png_bytes()
    {
        Assert.Equal(StrengthSweepPlot.RenderPng(QualityReport()), StrengthSweepPlot.RenderPng(QualityReport()));
    }

    [Fact]
    public void A_missing_font_file_is_an_error_naming_the_package()
    {
        var error = Assert.Throws<FileNotFoundException>(() => StrengthSweepPlot.Build(QualityReport(), PlotFont.DejaVuSans("/nonexistent/fonts")));
        Assert.Contains("fonts-dejavu-core", error.Message, StringComparison.Ordinal);
        Assert.Equal("/nonexistent/fonts/DejaVuSans.ttf", error.FileName);
    }

    [Fact]
    public void A_report_without_a_sweep_is_refused()
    {
        EvaluationReport report = QualityReport() with { GuidanceSweep = [], AlphaSweep = [], ScalingGrid = [] };
        Assert.Throws<ArgumentException>(() => StrengthSweepPlot.Build(report));
    }

    private static EvaluationReport QualityReport() => new()
    {
        Model = "m",
        PromptSource = "p",
        PromptCount = 4,
        Options = new QualityEvaluationOptions(),
        Rows = [Row(EvaluationMethod.Unguided, 0.4, 5.0, 0.3), Row(EvaluationMethod.Cfg(5), 0.8, 2.0, 0)],
        GuidanceSweep = [Row(EvaluationMethod.Cfg(1), 0.5, 4.0, 0.2), Row(EvaluationMethod.Cfg(4), 0.8, 2.0, 0.05), Row(EvaluationMethod.Cfg(7), 0.9, 1.5, 0.1)],
        AlphaSweep = [Row(EvaluationMethod.Dice(0), 0.4, 5.0, 0.3), Row(EvaluationMethod.Dice(2), 0.75, 2.5, 0.1)],
        ScalingGrid = [Row(EvaluationMethod.NaiveScaling(1.5), 0.45, 4.5, 0.25), Row(EvaluationMethod.NaiveScaling(3), 0.5, 6.0, 0.3)],
    };

    private static MethodScore Row(EvaluationMethod method, double? accuracy, double? frechet, double fidelity) =>
        new(method, 20, 0, accuracy is { } a ? new AttributeAccuracy(a, [a], a) : null, frechet, fidelity, 0.1);

    /// <summary>Pixels clearly darker than the white background (text is near-black; anti-aliased edges are lighter).</summary>
    private static int CountInk(RgbImage image, int x0, int y0, int width, int height)
    {
        var count = 0;
        for (var y = y0; y < y0 + height; y++)
        {
            for (var x = x0; x < x0 + width; x++)
            {
                count += image.GetPixel(x, y).Luma < 128 ? 1 : 0;
            }
        }
        return count;
    }

    private static int Count(RgbImage image, RgbColor colour)
    {
        var count = 0;
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                count += image.GetPixel(x, y) == colour ? 1 : 0;
            }
        }
        return count;
    }
}
