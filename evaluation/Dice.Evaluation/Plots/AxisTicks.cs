using System.Globalization;

namespace Dice.Evaluation.Plots;

/// <summary>
/// Round tick positions for an axis: multiples of a step of 1, 2, 2.5 or 5 times a power of ten, from the last
/// multiple at or below the data minimum to the first at or above the data maximum.
/// </summary>
public sealed class AxisTicks
{
    /// <summary>Candidate steps, finest first, as an integer times 10^(exponent + shift): 1, 2, 2.5 and 5 times 10^exponent.</summary>
    private static readonly (int Digits, int Shift)[] Mantissas = [(1, 0), (2, 0), (25, -1), (5, 0)];

    private readonly double[] _values;

    private AxisTicks(double[] values, double step, int decimals)
    {
        _values = values;
        Step = step;
        Decimals = decimals;
    }

    /// <summary>The first tick: where the axis starts.</summary>
    public double Min => _values[0];

    /// <summary>The last tick: where the axis ends.</summary>
    public double Max => _values[^1];

    /// <summary>Distance between neighbouring ticks.</summary>
    public double Step { get; }

    /// <summary>Digits after the decimal point that tick labels need.</summary>
    public int Decimals { get; }

    /// <summary>The tick positions, ascending; each is the double nearest its decimal value (0.6, not 0.6000000000000001).</summary>
    public IReadOnlyList<double> Values => _values;

    /// <summary>A tick label: <paramref name="value"/> with <see cref="Decimals"/> digits after the point, invariant culture.</summary>
    public string Format(double value) => value.ToString("F" + Decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>
    /// The finest ticks covering [<paramref name="min"/>, <paramref name="max"/>] with at most
    /// <paramref name="maxCount"/> ticks. A single value (min = max) is first widened by 10 % of its magnitude each
    /// way (by 1 each way for zero).
    /// </summary>
    public static AxisTicks Create(double min, double max, int maxCount = 6)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            throw new ArgumentException($"an axis range must be finite, got [{min}, {max}]");
        }
        if (min > max)
        {
            throw new ArgumentException($"an axis range needs min ≤ max, got [{min}, {max}]");
        }
        // Fewer than three ticks cannot always cover a range that straddles zero.
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 3);
        if (min == max)
        {
            double widen = min == 0 ? 1 : Math.Abs(min) * 0.1;
            min -= widen;
            max += widen;
        }
        double span = max - min;
        if (!double.IsFinite(span))
        {
            throw new ArgumentException($"the axis range [{min}, {max}] is too wide");
        }

        int exponent = (int)Math.Floor(Math.Log10(span / maxCount)) - 1;
        for (int attempt = 0; attempt < 8; attempt++, exponent++)
        {
            foreach ((int digits, int shift) in Mantissas)
            {
                int power = exponent + shift;
                double step = Scale(digits, power);
                // The slack keeps min = 0.6 on the tick 3 · 0.2 despite 0.6 / 0.2 = 2.9999999999999996.
                double first = Math.Floor((min / step) + 1e-9);
                double last = Math.Ceiling((max / step) - 1e-9);
                if (last - first + 1 > maxCount)
                {
                    continue;
                }
                double[] values = new double[(int)(last - first) + 1];
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = Scale((first + i) * digits, power);
                }
                return new AxisTicks(values, step, Math.Max(0, -power));
            }
        }
        throw new InvalidOperationException($"no round ticks found for [{min}, {max}]");
    }

    /// <summary>
    /// value · 10^exponent, dividing by an exact power of ten for negative exponents so that the result is the
    /// double nearest the decimal number. Adding zero turns −0 into 0.
    /// </summary>
    private static double Scale(double value, int exponent) =>
        (exponent >= 0 ? value * Math.Pow(10, exponent) : value / Math.Pow(10, -exponent)) + 0.0;
}
