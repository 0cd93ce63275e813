using System.Globalization;
using Dice.Evaluation.Plots;
using Dice.Core.Images;

namespace Dice.Evaluation;

/// <summary>
/// The paper's Figure 6 for one model: quality against strength. With attribute accuracy and the Fréchet distance
/// each sweep is a curve in the (Fréchet distance, accuracy) plane — CFG over w, DICE over alpha, naive scaling
/// over s, unguided as one point; without them, CFG fidelity against the strength itself.
/// </summary>
public static class StrengthSweepPlot
{
    public static RgbImage Render(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sweeps = new List<(string Name, IReadOnlyList<MethodScore> Rows)>
        {
            (Describe("CFG, w", report.GuidanceSweep), report.GuidanceSweep),
            (Describe("DICE, alpha", report.AlphaSweep), report.AlphaSweep),
            (Describe("naive scaling, s", report.ScalingGrid), report.ScalingGrid),
            ("unguided", [report.Row(GuidanceMethod.Unguided)]),
        };
        sweeps.RemoveAll(s => s.Rows.Count == 0);
        if (sweeps.All(s => s.Name == "unguided"))
        {
            throw new ArgumentException("the report has no strength sweep to plot: run with an alpha or guidance sweep");
        }
        var quality = sweeps.All(s => s.Rows.All(r => r.Accuracy is not null && r.FrechetDistance is not null));
        var plot = new LinePlot
        {
            Title = quality ? "Attribute accuracy vs Frechet distance as strength grows" : "Distance to CFG images vs strength",
            XAxisTitle = quality ? "Frechet distance, classifier features (lower is better)" : "strength (w, alpha or s)",
            YAxisTitle = quality ? "attribute accuracy" : "RMSE to CFG image",
        };
        foreach (var (name, rows) in sweeps)
        {
            if (!quality && name == "unguided")
            {
                continue;
            }
            var x = rows.Select(r => quality ? r.FrechetDistance!.Value : r.Method.Strength).ToList();
            var y = rows.Select(r => quality ? r.Accuracy!.Mean : r.CfgFidelity).ToList();
            plot.AddSeries(name, x, y);
        }
        return plot.Render();
    }

    /// <summary>Renders the plot to <paramref name="path"/> and returns the path.</summary>
    public static string Write(string path, EvaluationReport report)
    {
        PngFile.Write(path, Render(report));
        return path;
    }

    private static string Describe(string label, IReadOnlyList<MethodScore> rows) => rows.Count == 0
        ? label
        : string.Create(CultureInfo.InvariantCulture,
            $"{label} {rows.Min(r => r.Method.Strength):0.##} to {rows.Max(r => r.Method.Strength):0.##}");
}
