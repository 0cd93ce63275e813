namespace Dice.Trainer.Training;

/// <summary>What one optimisation step reports: the loss it minimised and, optionally, named parts of it.</summary>
/// <param name="Loss">The total loss of the step's batch (before the update).</param>
/// <param name="Parts">Named components (e.g. "reconstruction", "kl"), written to the loss log; may be null.</param>
public readonly record struct TrainingStepResult(double Loss, IReadOnlyDictionary<string, double>? Parts = null);
