using Dice.Core.Images;

namespace Dice.Evaluation.Plots;

/// <summary>One named line of a <see cref="LinePlot"/>: its points in drawing order, colour and marker.</summary>
public sealed class PlotSeries
{
    internal PlotSeries(string name, double[] x, double[] y, RgbColor color, PlotMarker marker)
    {
        Name = name;
        X = Array.AsReadOnly(x);
        Y = Array.AsReadOnly(y);
        Color = color;
        Marker = marker;
    }

    /// <summary>The legend label.</summary>
    public string Name { get; }

    public IReadOnlyList<double> X { get; }

    public IReadOnlyList<double> Y { get; }

    public RgbColor Color { get; }

    public PlotMarker Marker { get; }

    public int Count => X.Count;
}
