using Dice.Data;
using Dice.Trainer.Classifier;

namespace Dice.Trainer.Tests.Classifier;

/// <summary>One short training run shared by the tests that inspect it (training is the slow part).</summary>
public sealed class ShortTrainingRun : IDisposable
{
    public const int Steps = 150;

    public const int HeldOutCount = 500;

    public ShortTrainingRun()
    {
        Trainer = new AttributeClassifierTrainer(new AttributeClassifierTrainingOptions
        {
            Steps = Steps, BatchSize = 32, LearningRate = 3e-3, WarmupSteps = 10, Seed = 5,
        });
        var reported = new List<(int Step, double Loss)>();
        Losses = Trainer.Train(new ListProgress(reported));
        Reported = reported;
        HeldOut = Trainer.Evaluate(DiceMiniSplits.HeldOutSeed, HeldOutCount);
    }

    public AttributeClassifierTrainer Trainer { get; }

    public IReadOnlyList<double> Losses { get; }

    public IReadOnlyList<(int Step, double Loss)> Reported { get; }

    public AttributeClassifierEvaluation HeldOut { get; }

    public void Dispose() => Trainer.Dispose();
}
