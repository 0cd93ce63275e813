namespace Dice.Evaluation.Plots;

/// <summary>
/// The rectangle of a chart where data is drawn, and the mapping from data coordinates to its pixels: x from
/// <see cref="XMin"/> at column <see cref="Left"/> to <see cref="XMax"/> at column <see cref="Right"/>, y from
/// <see cref="YMin"/> at row <see cref="Bottom"/> up to <see cref="YMax"/> at row <see cref="Top"/>.
/// </summary>
public sealed class PlotArea
{
    public PlotArea(int left, int top, int width, int height, double xMin, double xMax, double yMin, double yMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(left);
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 2);
        if (!double.IsFinite(xMin) || !double.IsFinite(xMax) || !(xMin < xMax))
        {
            throw new ArgumentException($"the x range needs finite min < max, got [{xMin}, {xMax}]");
        }
        if (!double.IsFinite(yMin) || !double.IsFinite(yMax) || !(yMin < yMax))
        {
            throw new ArgumentException($"the y range needs finite min < max, got [{yMin}, {yMax}]");
        }
        Left = left;
        Top = top;
        Width = width;
        Height = height;
        XMin = xMin;
        XMax = xMax;
        YMin = yMin;
        YMax = yMax;
    }

    public int Left { get; }

    public int Top { get; }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The last column inside the area.</summary>
    public int Right => Left + Width - 1;

    /// <summary>The last row inside the area.</summary>
    public int Bottom => Top + Height - 1;

    public double XMin { get; }

    public double XMax { get; }

    public double YMin { get; }

    public double YMax { get; }

    /// <summary>The pixel of the data point (x, y), rounded to nearest (halves away from zero).</summary>
    public (int X, int Y) ToPixel(double x, double y)
    {
        double column = Left + ((x - XMin) / (XMax - XMin) * (Width - 1));
        double row = Top + ((YMax - y) / (YMax - YMin) * (Height - 1));
        return ((int)Math.Round(column, MidpointRounding.AwayFromZero), (int)Math.Round(row, MidpointRounding.AwayFromZero));
    }
}
