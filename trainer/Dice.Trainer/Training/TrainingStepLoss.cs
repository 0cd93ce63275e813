namespace Dice.Trainer.Training;

/// <summary>The loss of one completed step.</summary>
/// <param name="Step">The step's number, 1-based (the number of steps completed once it was taken).</param>
/// <param name="Loss">Its loss.</param>
public readonly record struct TrainingStepLoss(long Step, double Loss);
