using Dice.Core.Images;

namespace Dice.Evaluation.Plots;

/// <summary>
/// A line chart drawn into an <see cref="RgbImage"/>: named series of (x, y) points, each in its own colour with
/// markers, joined in the order given; a framed plot area with grid lines at round ticks; tick labels, axis titles,
/// a title, and a legend to the right of the plot area. Rendering is a pure function of the settings and series.
/// </summary>
public sealed class LinePlot
{
    /// <summary>Series colours in order of addition (cycled after the last); none is black, white or a grid grey.</summary>
    public static readonly IReadOnlyList<RgbColor> Palette =
    [
        new(31, 119, 180),
        new(214, 39, 40),
        new(44, 160, 44),
        new(255, 127, 14),
        new(148, 103, 189),
        new(140, 86, 75),
        new(227, 119, 194),
        new(23, 190, 207),
        new(188, 189, 34),
        new(127, 127, 127),
    ];

    public static readonly RgbColor Background = RgbColor.White;

    public static readonly RgbColor Ink = RgbColor.Black;

    public static readonly RgbColor GridColor = new(225, 225, 225);

    private static readonly PlotMarker[] Markers = [PlotMarker.Circle, PlotMarker.Square, PlotMarker.Triangle, PlotMarker.Diamond];

    private readonly List<PlotSeries> _series = [];
    private int _textScale = 1;
    private int _maxTicks = 6;
    private int _lineWidth = 2;
    private int _markerRadius = 3;
    private (double Min, double Max)? _xRange;
    private (double Min, double Max)? _yRange;

    public LinePlot(int width = 720, int height = 480)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
    }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Drawn centred above the plot area at twice <see cref="TextScale"/>; empty for none.</summary>
    public string Title { get; set; } = string.Empty;

    /// <summary>Drawn centred below the x tick labels; empty for none.</summary>
    public string XAxisTitle { get; set; } = string.Empty;

    /// <summary>Drawn reading upwards left of the y tick labels; empty for none.</summary>
    public string YAxisTitle { get; set; } = string.Empty;

    /// <summary>
    /// A range the x axis covers at least (null: just the data). The axis then widens to include every point, and
    /// out to whole ticks.
    /// </summary>
    public (double Min, double Max)? XRange
    {
        get => _xRange;
        set => _xRange = CheckedRange(value);
    }

    /// <summary>As <see cref="XRange"/>, for the y axis; e.g. (0, 1) for an accuracy.</summary>
    public (double Min, double Max)? YRange
    {
        get => _yRange;
        set => _yRange = CheckedRange(value);
    }

    /// <summary>Integer scale of the bitmap font for labels and legend.</summary>
    public int TextScale
    {
        get => _textScale;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _textScale = value;
        }
    }

    /// <summary>At most this many ticks per axis (at least 3).</summary>
    public int MaxTicks
    {
        get => _maxTicks;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 3);
            _maxTicks = value;
        }
    }

    /// <summary>Thickness of series lines in pixels.</summary>
    public int LineWidth
    {
        get => _lineWidth;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _lineWidth = value;
        }
    }

    /// <summary>Markers reach this many pixels from the point each way.</summary>
    public int MarkerRadius
    {
        get => _markerRadius;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _markerRadius = value;
        }
    }

    public IReadOnlyList<PlotSeries> Series => _series;

    /// <summary>
    /// Adds a series: points (x[i], y[i]), at least one, all finite, joined in the order given. Without
    /// <paramref name="color"/> or <paramref name="marker"/>, the next of <see cref="Palette"/> and of the markers.
    /// </summary>
    public PlotSeries AddSeries(string name, IReadOnlyList<double> x, IReadOnlyList<double> y, RgbColor? color = null, PlotMarker? marker = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("a series needs a name for the legend", nameof(name));
        }
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"series \"{name}\" has {x.Count} x values but {y.Count} y values", nameof(y));
        }
        if (x.Count == 0)
        {
            throw new ArgumentException($"series \"{name}\" has no points", nameof(x));
        }
        for (int i = 0; i < x.Count; i++)
        {
            if (!double.IsFinite(x[i]) || !double.IsFinite(y[i]))
            {
                throw new ArgumentException(
                    $"series \"{name}\", point {i} is ({x[i]}, {y[i]}); coordinates must be finite", double.IsFinite(x[i]) ? nameof(y) : nameof(x));
            }
        }
        if (marker is { } chosen && !Enum.IsDefined(chosen))
        {
            throw new ArgumentOutOfRangeException(nameof(marker), chosen, "unknown marker");
        }
        int index = _series.Count;
        var series = new PlotSeries(
            name, x.ToArray(), y.ToArray(), color ?? Palette[index % Palette.Count], marker ?? Markers[index % Markers.Length]);
        _series.Add(series);
        return series;
    }

    /// <summary>The plot area and its data ranges for the current settings and series.</summary>
    public PlotArea Layout() => ComputeLayout().Area;

    /// <summary>Draws the chart. Needs at least one series.</summary>
    public RgbImage Render()
    {
        (PlotArea area, AxisTicks xTicks, AxisTicks yTicks) = ComputeLayout();
        int s = TextScale;
        int tick = 4 * s;
        int lineHeight = BitmapFont.LineHeight * s;
        var image = new RgbImage(Width, Height);
        image.Fill(Background);
        var canvas = new PlotCanvas(image);

        foreach (double value in xTicks.Values)
        {
            (int column, _) = area.ToPixel(value, area.YMin);
            canvas.DrawLine(column, area.Top, column, area.Bottom, GridColor);
            canvas.DrawLine(column, area.Bottom + 1, column, area.Bottom + tick, Ink);
            string label = xTicks.Format(value);
            BitmapFont.DrawText(image, column - (BitmapFont.MeasureWidth(label, s) / 2), area.Bottom + tick + (2 * s), label, Ink, s);
        }
        foreach (double value in yTicks.Values)
        {
            (_, int row) = area.ToPixel(area.XMin, value);
            canvas.DrawLine(area.Left, row, area.Right, row, GridColor);
            canvas.DrawLine(area.Left - tick, row, area.Left - 1, row, Ink);
            string label = yTicks.Format(value);
            BitmapFont.DrawText(image, area.Left - tick - (2 * s) - BitmapFont.MeasureWidth(label, s), CapTop(row, s), label, Ink, s);
        }
        canvas.DrawRectangle(area.Left, area.Top, area.Right, area.Bottom, Ink);

        // All lines before any marker, so that no line covers a marker.
        foreach (PlotSeries series in _series)
        {
            for (int i = 1; i < series.Count; i++)
            {
                (int x0, int y0) = area.ToPixel(series.X[i - 1], series.Y[i - 1]);
                (int x1, int y1) = area.ToPixel(series.X[i], series.Y[i]);
                canvas.DrawLine(x0, y0, x1, y1, series.Color, LineWidth);
            }
        }
        foreach (PlotSeries series in _series)
        {
            for (int i = 0; i < series.Count; i++)
            {
                (int px, int py) = area.ToPixel(series.X[i], series.Y[i]);
                canvas.DrawMarker(px, py, series.Marker, MarkerRadius, series.Color);
            }
        }

        int legendLeft = area.Right + Margin(s);
        int sample = LegendSample(s);
        for (int i = 0; i < _series.Count; i++)
        {
            PlotSeries series = _series[i];
            int row = area.Top + (lineHeight / 2) + (i * (lineHeight + (4 * s)));
            canvas.DrawLine(legendLeft, row, legendLeft + sample - 1, row, series.Color, LineWidth);
            canvas.DrawMarker(legendLeft + (sample / 2), row, series.Marker, MarkerRadius, series.Color);
            BitmapFont.DrawText(image, legendLeft + sample + (4 * s), CapTop(row, s), series.Name, Ink, s);
        }

        if (Title.Length > 0)
        {
            int titleLeft = area.Left + ((area.Width - BitmapFont.MeasureWidth(Title, 2 * s)) / 2);
            BitmapFont.DrawText(image, titleLeft, Margin(s), Title, Ink, 2 * s);
        }
        if (XAxisTitle.Length > 0)
        {
            int titleLeft = area.Left + ((area.Width - BitmapFont.MeasureWidth(XAxisTitle, s)) / 2);
            BitmapFont.DrawText(image, titleLeft, area.Bottom + tick + (2 * s) + lineHeight + (Margin(s) / 2), XAxisTitle, Ink, s);
        }
        if (YAxisTitle.Length > 0)
        {
            int titleTop = area.Top + ((area.Height - BitmapFont.MeasureWidth(YAxisTitle, s)) / 2);
            canvas.DrawTextUpwards(Margin(s), titleTop, YAxisTitle, Ink, s);
        }
        return image;
    }

    /// <summary>Renders the chart and writes it to <paramref name="path"/> as a PNG (atomically; the directory must exist).</summary>
    public void WritePng(string path) => PngFile.Write(path, Render());

    private (PlotArea Area, AxisTicks XTicks, AxisTicks YTicks) ComputeLayout()
    {
        if (_series.Count == 0)
        {
            throw new InvalidOperationException("a line plot needs at least one series; add one with AddSeries");
        }
        AxisTicks xTicks = Ticks(_series.SelectMany(series => series.X), XRange);
        AxisTicks yTicks = Ticks(_series.SelectMany(series => series.Y), YRange);

        int s = TextScale;
        int margin = Margin(s);
        int tick = 4 * s;
        int lineHeight = BitmapFont.LineHeight * s;
        int yLabelWidth = yTicks.Values.Max(value => BitmapFont.MeasureWidth(yTicks.Format(value), s));
        int legendWidth = LegendSample(s) + (4 * s) + _series.Max(series => BitmapFont.MeasureWidth(series.Name, s)) + margin;

        int top = margin + (Title.Length > 0 ? (BitmapFont.LineHeight * 2 * s) + margin : lineHeight / 2);
        int left = margin + (YAxisTitle.Length > 0 ? lineHeight + (margin / 2) : 0) + yLabelWidth + tick + (2 * s);
        int right = Width - margin - legendWidth - margin;
        int bottom = Height - margin - (XAxisTitle.Length > 0 ? lineHeight + (margin / 2) : 0) - lineHeight - tick - (2 * s);
        int areaWidth = right - left;
        int areaHeight = bottom - top;
        const int minimumSide = 16;
        if (areaWidth < minimumSide || areaHeight < minimumSide)
        {
            throw new InvalidOperationException(
                $"a {Width}×{Height} image leaves a {areaWidth}×{areaHeight} plot area after titles, labels and legend; " +
                $"at least {minimumSide}×{minimumSide} is needed: make the image larger, the text scale smaller or the names shorter");
        }
        var area = new PlotArea(left, top, areaWidth, areaHeight, xTicks.Min, xTicks.Max, yTicks.Min, yTicks.Max);
        return (area, xTicks, yTicks);
    }

    private AxisTicks Ticks(IEnumerable<double> values, (double Min, double Max)? include)
    {
        double min = double.PositiveInfinity;
        double max = double.NegativeInfinity;
        foreach (double value in values)
        {
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }
        if (include is (double low, double high))
        {
            min = Math.Min(min, low);
            max = Math.Max(max, high);
        }
        return AxisTicks.Create(min, max, MaxTicks);
    }

    private static (double Min, double Max)? CheckedRange((double Min, double Max)? range)
    {
        if (range is (double min, double max) && (!double.IsFinite(min) || !double.IsFinite(max) || min > max))
        {
            throw new ArgumentException($"an axis range needs finite min ≤ max, got [{min}, {max}]", nameof(range));
        }
        return range;
    }

    private static int Margin(int scale) => 8 * scale;

    /// <summary>Length of the line drawn before each legend entry.</summary>
    private static int LegendSample(int scale) => 20 * scale;

    /// <summary>The top row for text whose capitals (7 font rows tall) are centred on <paramref name="row"/>.</summary>
    private static int CapTop(int row, int scale) => row - ((7 * scale) / 2);
}
