using Dice.Core.Images;

namespace Dice.Evaluation;

/// <summary>The images one method produced for a prompt set (index i for prompt i) and the time they took.</summary>
public sealed record GeneratedSet(EvaluationMethod Method, IReadOnlyList<RgbImage> Images, TimeSpan WallTime)
{
    public double SecondsPerImage => WallTime.TotalSeconds / Math.Max(1, Images.Count);
}
