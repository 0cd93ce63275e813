namespace Dice.Trainer.Training;

/// <summary>Where a training run stands after a step, for a progress bar.</summary>
/// <param name="Step">Steps completed (counting those before a resume).</param>
/// <param name="TotalSteps">Steps the run will have completed when it ends.</param>
/// <param name="Loss">The loss of the step just taken.</param>
/// <param name="StepsPerSecond">Steps taken by this process per second of wall time since it started (or resumed).</param>
public readonly record struct TrainingProgress(long Step, long TotalSteps, double Loss, double StepsPerSecond)
{
    /// <summary>Fraction done, 0…1.</summary>
    public double Fraction => TotalSteps <= 0 ? 1 : Math.Clamp((double)Step / TotalSteps, 0, 1);
}
