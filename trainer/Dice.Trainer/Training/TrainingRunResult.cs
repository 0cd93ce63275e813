namespace Dice.Trainer.Training;

/// <summary>What a call to <see cref="TrainingRunner.Run"/> did.</summary>
/// <param name="StartStep">Steps already completed when it began (0, or the step of the checkpoint it resumed from).</param>
/// <param name="FinalStep">Steps completed when it ended.</param>
/// <param name="Losses">The losses of the steps this call took, in order.</param>
/// <param name="LastCheckpoint">The folder of the last checkpoint it wrote, or null.</param>
public sealed record TrainingRunResult(long StartStep, long FinalStep, IReadOnlyList<TrainingStepLoss> Losses, string? LastCheckpoint);
