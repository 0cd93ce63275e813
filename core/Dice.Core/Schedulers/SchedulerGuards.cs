namespace Dice.Core.Schedulers;

/// <summary>Argument checks the schedulers share.</summary>
internal static class SchedulerGuards
{
    /// <summary>Throws unless <paramref name="steps"/> lies in [1, <paramref name="numTrainTimesteps"/>].</summary>
    public static void CheckStepCount(int steps, int numTrainTimesteps)
    {
        if (steps < 1 || steps > numTrainTimesteps)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps,
                $"the number of steps must lie between 1 and num_train_timesteps ({numTrainTimesteps})");
        }
    }

    /// <summary>Throws unless timesteps are set and <paramref name="stepIndex"/> is one of them.</summary>
    public static void CheckStepIndex(int stepIndex, int stepCount)
    {
        if (stepCount == 0)
        {
            throw new InvalidOperationException("SetTimesteps must be called before the scheduler is used");
        }
        if ((uint)stepIndex >= (uint)stepCount)
        {
            throw new ArgumentOutOfRangeException(nameof(stepIndex), stepIndex,
                $"the step index must lie between 0 and {stepCount - 1}");
        }
    }

    /// <summary>Throws unless the buffers of a step or of noising have the same length.</summary>
    public static void CheckSameLength(int first, int second, string firstName, string secondName)
    {
        if (first != second)
        {
            throw new ArgumentException($"{firstName} has {first} values but {secondName} has {second}");
        }
    }
}
