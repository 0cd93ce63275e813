using System.Globalization;

namespace Dice.Trainer.Training;

/// <summary>
/// A one-line progress bar for a terminal: "[#########...........]  450/1000  loss 0.08312  12.4 steps/s  eta 0:00:44",
/// redrawn in place with a carriage return at most every <see cref="MinimumInterval"/> (and always at the end).
/// </summary>
public sealed class TextProgressBar : IProgress<TrainingProgress>
{
    private const int Width = 30;
    private readonly TextWriter output;
    private DateTime lastDraw = DateTime.MinValue;

    public TextProgressBar(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        this.output = output;
    }

    public TimeSpan MinimumInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    public void Report(TrainingProgress value)
    {
        var now = DateTime.UtcNow;
        var last = value.Step >= value.TotalSteps;
        if (!last && now - lastDraw < MinimumInterval)
        {
            return;
        }
        lastDraw = now;
        output.Write('\r');
        output.Write(Format(value));
        if (last)
        {
            output.WriteLine();
        }
        output.Flush();
    }

    /// <summary>The bar's text for <paramref name="value"/>.</summary>
    public static string Format(TrainingProgress value)
    {
        var filled = (int)Math.Round(value.Fraction * Width);
        var eta = value.StepsPerSecond > 0 ? TimeSpan.FromSeconds((value.TotalSteps - value.Step) / value.StepsPerSecond) : (TimeSpan?)null;
        var digits = value.TotalSteps.ToString(CultureInfo.InvariantCulture).Length;
        return string.Create(CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('.', Width - filled)}] {value.Step.ToString(CultureInfo.InvariantCulture).PadLeft(digits)}/{value.TotalSteps}"
            + $"  loss {value.Loss:G5}  {value.StepsPerSecond:F1} steps/s  eta {(eta is { } e ? e.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : "?")}");
    }
}
