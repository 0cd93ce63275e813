namespace Dice.Core;

/// <summary>Reported after each denoising step.</summary>
public sealed record StepProgress(int Step, int Steps);
