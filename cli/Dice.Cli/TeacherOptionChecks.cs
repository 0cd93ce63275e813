namespace Dice.Cli;

/// <summary>The range checks `dice mini` and `dice tune` share for their teacher settings, as usage errors naming the option.</summary>
internal static class TeacherOptionChecks
{
    public static void LearningRate(string option, double value)
    {
        if (!(value > 0 && double.IsFinite(value)))
        {
            throw new DiceUsageException($"{option} must be a positive number (got {value})");
        }
    }

    public static void CaptionNoise(string option, double value)
    {
        if (!(value is >= 0 and <= 1))
        {
            throw new DiceUsageException($"{option} must lie in [0, 1] (got {value})");
        }
    }

    public static void SnrCap(string option, double value)
    {
        if (!(value >= 1 && double.IsFinite(value)))
        {
            throw new DiceUsageException($"{option} must be a finite number ≥ 1 (got {value}); 1 is plain epsilon MSE");
        }
    }
}
