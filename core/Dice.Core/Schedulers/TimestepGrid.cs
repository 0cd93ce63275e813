namespace Dice.Core.Schedulers;

/// <summary>
/// numpy's linspace, arange, rint and interp on doubles, reproduced operation for operation so that timesteps come out
/// exactly as diffusers' (which builds them with numpy) do, ties of rounding included.
/// </summary>
internal static class TimestepGrid
{
    /// <summary>numpy.linspace(start, stop, num) (endpoint included): start + i · ((stop − start) / (num − 1)), last = stop.</summary>
    public static double[] Linspace(double start, double stop, int num)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(num);
        var values = new double[num];
        if (num == 0)
        {
            return values;
        }
        int divisions = num - 1;
        double step = divisions > 0 ? (stop - start) / divisions : double.NaN;
        for (int i = 0; i < num; i++)
        {
            values[i] = divisions > 0 ? i * step + start : start;
        }
        if (num > 1)
        {
            values[num - 1] = stop;
        }
        return values;
    }

    /// <summary>
    /// numpy.arange(start, stop, step) for floating-point arguments: ceil((stop − start) / step) values; numpy fills
    /// them as start + i · delta with delta = (start + step) − start, which can differ from step in the last bit.
    /// </summary>
    public static double[] Arange(double start, double stop, double step)
    {
        if (step == 0 || double.IsNaN(step))
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "arange needs a non-zero step");
        }
        double length = Math.Ceiling((stop - start) / step);
        int count = length > 0 ? checked((int)length) : 0;
        var values = new double[count];
        if (count == 0)
        {
            return values;
        }
        values[0] = start;
        if (count > 1)
        {
            values[1] = start + step;
            double delta = values[1] - start;
            for (int i = 2; i < count; i++)
            {
                values[i] = start + i * delta;
            }
        }
        return values;
    }

    /// <summary>numpy's round (rint): to the nearest integer, ties to even.</summary>
    public static double Round(double value) => Math.Round(value, MidpointRounding.ToEven);

    /// <summary>numpy.interp(x, arange(len(values)), values): linear interpolation, clamped to the ends.</summary>
    public static double Interp(double x, ReadOnlySpan<double> values)
    {
        int last = values.Length - 1;
        if (last < 0)
        {
            throw new ArgumentException("interp needs at least one value", nameof(values));
        }
        if (double.IsNaN(x))
        {
            return double.NaN;
        }
        if (x <= 0)
        {
            return values[0];
        }
        if (x >= last)
        {
            return values[last];
        }
        int j = (int)Math.Floor(x);
        if (j == x)
        {
            return values[j];
        }
        double slope = values[j + 1] - values[j];
        return slope * (x - j) + values[j];
    }

    /// <summary>
    /// The integer timesteps DDIM and PNDM space from <paramref name="train"/> training timesteps, largest first:
    /// linspace <c>np.linspace(0, train − 1, steps).round()</c>, leading <c>np.arange(0, steps) · (train // steps) +
    /// steps_offset</c>, trailing <c>np.round(np.arange(train, 0, −train / steps)) − 1</c>. Refuses a grid that leaves
    /// the training timesteps.
    /// </summary>
    public static int[] DescendingIntegerTimesteps(TimestepSpacing spacing, int train, int steps, int stepsOffset)
    {
        var values = new int[steps];
        switch (spacing)
        {
            case TimestepSpacing.Linspace:
                var grid = Linspace(0, train - 1, steps);
                for (int i = 0; i < steps; i++)
                {
                    values[i] = (int)Round(grid[steps - 1 - i]);
                }
                break;
            case TimestepSpacing.Leading:
                int ratio = train / steps;
                for (int i = 0; i < steps; i++)
                {
                    values[i] = (steps - 1 - i) * ratio + stepsOffset;
                }
                break;
            case TimestepSpacing.Trailing:
                values = Arange(train, 0, -(double)train / steps).Select(v => (int)Round(v) - 1).ToArray();
                break;
            default:
                throw new InvalidOperationException($"unknown timestep spacing {spacing}");
        }
        foreach (int t in values)
        {
            if (t < 0 || t >= train)
            {
                throw new ArgumentOutOfRangeException(nameof(steps), steps,
                    $"{steps} steps with {SchedulerNames.ToConfigString(spacing)} spacing and steps_offset {stepsOffset} " +
                    $"reach timestep {t}, outside the {train} training timesteps");
            }
        }
        return values;
    }
}
