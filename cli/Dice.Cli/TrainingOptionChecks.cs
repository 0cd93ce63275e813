namespace Dice.Cli;

/// <summary>
/// The range checks the training verbs (`dice mini`, `dice tune`, `dice train`) share, as usage errors naming the option.
/// </summary>
internal static class TrainingOptionChecks
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

    /// <param name="unweighted">What the loss is at cap 1, for the message.</param>
    public static void SnrCap(string option, double value, string unweighted = "plain epsilon MSE")
    {
        if (!(value >= 1 && double.IsFinite(value)))
        {
            throw new DiceUsageException($"{option} must be a finite number ≥ 1 (got {value}); 1 is {unweighted}");
        }
    }
}
