using Dice.Evaluation.Plots;

namespace Dice.Evaluation.Tests.Plots;

public sealed class AxisTicksTests
{
    [Fact]
    public void Ticks_the_unit_interval_in_fifths()
    {
        AxisTicks ticks = AxisTicks.Create(0, 1);

        Assert.Equal([0, 0.2, 0.4, 0.6, 0.8, 1], ticks.Values);
        Assert.Equal(0.2, ticks.Step);
        Assert.Equal(["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"], ticks.Values.Select(ticks.Format));
    }

    [Fact]
    public void Ticks_the_unit_interval_in_tenths_when_eleven_ticks_are_allowed()
    {
        AxisTicks ticks = AxisTicks.Create(0, 1, maxCount: 11);

        Assert.Equal(Enumerable.Range(0, 11).Select(i => i / 10.0), ticks.Values);
    }

    [Theory]
    // Guidance scales 1 … 7.5: steps 1 (8 ticks) is too fine, 2 gives 0, 2, 4, 6, 8.
    [InlineData(1, 7.5, 6, 0, 8, 2)]
    // Inner data widens to the enclosing multiples of the step.
    [InlineData(0.13, 0.87, 6, 0, 1, 0.2)]
    // −3 … 7: step 2 needs −4 … 8 (7 ticks); 2.5 covers it with −5 … 7.5 (6 ticks).
    [InlineData(-3, 7, 6, -5, 7.5, 2.5)]
    [InlineData(0, 2500, 6, 0, 2500, 500)]
    [InlineData(0.0012, 0.0047, 5, 0.001, 0.005, 0.001)]
    public void Picks_the_finest_round_step_within_the_tick_budget(double min, double max, int maxCount, double first, double last, double step)
    {
        AxisTicks ticks = AxisTicks.Create(min, max, maxCount);

        Assert.Equal(first, ticks.Min);
        Assert.Equal(last, ticks.Max);
        Assert.Equal(step, ticks.Step);
    }

    [Fact]
    public void Covers_random_ranges_with_evenly_spaced_round_ticks_no_finer_step_could_fit()
    {
        var random = new Random(17);
        for (int trial = 0; trial < 500; trial++)
        {
            double scale = Math.Pow(10, random.Next(-4, 5));
            double a = (random.NextDouble() - 0.3) * scale;
            double b = a + (random.NextDouble() * scale);
            int maxCount = random.Next(3, 12);

            AxisTicks ticks = AxisTicks.Create(a, b, maxCount);

            Assert.InRange(ticks.Values.Count, 2, maxCount);
            Assert.True(ticks.Min <= a && ticks.Max >= b, $"[{ticks.Min}, {ticks.Max}] does not cover [{a}, {b}]");
            double exponent = Math.Floor(Math.Log10(ticks.Step));
            double mantissa = ticks.Step / Math.Pow(10, exponent);
            Assert.Contains([1.0, 2.0, 2.5, 5.0], m => Math.Abs(m - mantissa) < 1e-9);
            for (int i = 0; i < ticks.Values.Count; i++)
            {
                Assert.Equal(ticks.Min + (i * ticks.Step), ticks.Values[i], 1e-9 * scale);
                Assert.Equal(0, Math.Abs(Math.IEEERemainder(ticks.Values[i], ticks.Step)), 1e-9 * ticks.Step);
            }
            // The ticks of the next finer candidate step would be too many.
            // 1 → 0.5, 2 → 1, 2.5 → 2, 5 → 2.5 (times the power of ten).
            double finer = Math.Abs(mantissa - 2.5) < 1e-9 ? 0.8 * ticks.Step : 0.5 * ticks.Step;
            double count = Math.Ceiling((b / finer) - 1e-9) - Math.Floor((a / finer) + 1e-9) + 1;
            Assert.True(count > maxCount, $"step {finer} would give {count} ≤ {maxCount} ticks for [{a}, {b}]");
        }
    }

    [Theory]
    [InlineData(0.5, 0.45, 0.55)]
    [InlineData(0, -1, 1)]
    [InlineData(-20, -22, -18)]
    public void Widens_a_single_value_by_a_tenth_of_its_magnitude(double value, double low, double high)
    {
        AxisTicks ticks = AxisTicks.Create(value, value);

        Assert.True(ticks.Min <= low && ticks.Max >= high);
        Assert.True(ticks.Min < value && ticks.Max > value);
    }

    [Fact]
    public void Labels_with_as_many_decimals_as_the_step_needs_and_never_a_negative_zero()
    {
        AxisTicks wide = AxisTicks.Create(-1000, 1000);
        AxisTicks fine = AxisTicks.Create(-0.03, 0.02);

        Assert.Equal(0, wide.Decimals);
        Assert.Contains("0", wide.Values.Select(wide.Format));
        Assert.Equal(2, fine.Decimals);
        Assert.Contains("0.00", fine.Values.Select(fine.Format));
        Assert.DoesNotContain("-0.00", fine.Values.Select(fine.Format));
    }

    [Theory]
    [InlineData(double.NaN, 1)]
    [InlineData(0, double.PositiveInfinity)]
    [InlineData(2, 1)]
    [InlineData(-double.MaxValue, double.MaxValue)]
    public void Rejects_ranges_that_cannot_be_ticked(double min, double max)
    {
        Assert.Throws<ArgumentException>(() => AxisTicks.Create(min, max));
    }

    [Fact]
    public void Needs_room_for_at_least_three_ticks()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AxisTicks.Create(0, 1, maxCount: 2));
    }
}
