using System.Globalization;
using Dice.Core.IO;
using Dice.Evaluation.Plots;
using ScottPlot;

namespace Dice.Evaluation;

/// <summary>
/// The paper's Figure 6 for one model: quality against strength, drawn with ScottPlot. With attribute accuracy and
/// the Fréchet distance each sweep is a curve in the (Fréchet distance, accuracy) plane — CFG over w, DICE over α,
/// naive scaling over s, unguided as one point; without them, CFG fidelity against the strength itself.
/// </summary>
public static class StrengthSweepPlot
{
    public const int Width = 960;

    public const int Height = 600;

    /// <summary>The plot as a ScottPlot model: one scatter series per sweep, titled axes, a legend.</summary>
    /// <exception cref="ArgumentException">The report has no strength sweep.</exception>
    public static Plot Build(EvaluationReport report, PlotFont? font = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sweeps = new List<(string Name, IReadOnlyList<MethodScore> Rows)>
        {
            (Describe("CFG, w", report.GuidanceSweep), report.GuidanceSweep),
            (Describe("DICE, α", report.AlphaSweep), report.AlphaSweep),
            (Describe("naive scaling, s", report.ScalingGrid), report.ScalingGrid),
            ("unguided", [report.Row(GuidanceMethod.Unguided)]),
        };
        sweeps.RemoveAll(s => s.Rows.Count == 0);
        if (sweeps.All(s => s.Name == "unguided"))
        {
            throw new ArgumentException("the report has no strength sweep to plot: run with an alpha or guidance sweep");
        }
        var quality = sweeps.All(s => s.Rows.All(r => r.Accuracy is not null && r.FrechetDistance is not null));

        font ??= PlotFont.DejaVuSans();
        font.Register();
        var plot = new Plot();
        plot.Font.Set(font.Name);
        plot.Title(quality ? "Attribute accuracy vs Fréchet distance as strength grows" : "Distance to CFG images vs strength");
        plot.XLabel(quality ? "Fréchet distance, classifier features (lower is better)" : "strength (w, α or s)");
        plot.YLabel(quality ? "attribute accuracy" : "RMSE to CFG image");
        var markers = new[] { MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond };
        var index = 0;
        foreach (var (name, rows) in sweeps)
        {
            if (!quality && name == "unguided")
            {
                continue;
            }
            var x = rows.Select(r => quality ? r.FrechetDistance!.Value : r.Method.Strength).ToArray();
            var y = rows.Select(r => quality ? r.Accuracy!.Mean : r.CfgFidelity).ToArray();
            var series = plot.Add.Scatter(x, y);
            series.LegendText = name;
            series.LineWidth = 2;
            series.MarkerSize = 9;
            series.MarkerShape = markers[index++ % markers.Length];
        }
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>The plot as PNG bytes, <see cref="Width"/> × <see cref="Height"/>.</summary>
    public static byte[] RenderPng(EvaluationReport report, PlotFont? font = null) =>
        Build(report, font).GetImageBytes(Width, Height, ImageFormat.Png);

    /// <summary>Renders the plot to <paramref name="path"/> and returns the path.</summary>
    public static string Write(string path, EvaluationReport report)
    {
        var png = RenderPng(report);
        AtomicFile.Write(path, stream => stream.Write(png));
        return path;
    }

    private static string Describe(string label, IReadOnlyList<MethodScore> rows) => rows.Count == 0
        ? label
        : string.Create(CultureInfo.InvariantCulture,
            $"{label} {rows.Min(r => r.Method.Strength):0.##} to {rows.Max(r => r.Method.Strength):0.##}");
}
