using Dice.Evaluation.Plots;

namespace Dice.Evaluation.Tests.Plots;

public sealed class PlotAreaTests
{
    private static readonly PlotArea Area = new(left: 40, top: 20, width: 201, height: 101, xMin: 0, xMax: 10, yMin: -1, yMax: 1);

    [Fact]
    public void Maps_the_range_s_corners_to_the_area_s_corners()
    {
        Assert.Equal((40, 120), Area.ToPixel(0, -1));
        Assert.Equal((240, 20), Area.ToPixel(10, 1));
        Assert.Equal((240, 120), Area.ToPixel(10, -1));
        Assert.Equal(240, Area.Right);
        Assert.Equal(120, Area.Bottom);
    }

    [Fact]
    public void Maps_linearly_in_between_with_y_growing_upwards()
    {
        // 200 columns per 10 units and 100 rows per 2 units.
        Assert.Equal((140, 70), Area.ToPixel(5, 0));
        Assert.Equal((40 + 50, 20 + 25), Area.ToPixel(2.5, 0.5));
        Assert.Equal((40 + 2, 120), Area.ToPixel(0.1, -1));
    }

    [Fact]
    public void Rounds_half_pixels_away_from_zero()
    {
        // 4 columns for 8 units: x = 1 lies exactly half a column right of the left edge, y = 1 half a row above the bottom.
        var area = new PlotArea(left: 40, top: 20, width: 5, height: 5, xMin: 0, xMax: 8, yMin: 0, yMax: 8);
        Assert.Equal((41, 24), area.ToPixel(1, 1));
    }

    [Fact]
    public void Rejects_empty_or_non_finite_ranges_and_tiny_areas()
    {
        Assert.Throws<ArgumentException>(() => new PlotArea(0, 0, 10, 10, 1, 1, 0, 1));
        Assert.Throws<ArgumentException>(() => new PlotArea(0, 0, 10, 10, 0, 1, 2, 1));
        Assert.Throws<ArgumentException>(() => new PlotArea(0, 0, 10, 10, 0, double.NaN, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PlotArea(0, 0, 1, 10, 0, 1, 0, 1));
    }
}
