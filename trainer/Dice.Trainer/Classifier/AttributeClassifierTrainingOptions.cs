using Dice.Data;

namespace Dice.Trainer.Classifier;

/// <summary>Settings of <see cref="AttributeClassifierTrainer"/>.</summary>
public sealed record AttributeClassifierTrainingOptions
{
    /// <summary>Optimiser steps.</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>Images per step (each step renders fresh ones).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Peak AdamW learning rate.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>AdamW's decoupled weight decay.</summary>
    public double WeightDecay { get; init; } = 1e-2;

    /// <summary>Steps of linear warm-up from lr/WarmupSteps to the peak.</summary>
    public int WarmupSteps { get; init; } = 20;

    /// <summary>After warm-up, decay the learning rate along a cosine to <see cref="FinalLearningRateFraction"/> of the peak.</summary>
    public bool CosineDecay { get; init; } = true;

    public double FinalLearningRateFraction { get; init; } = 0.05;

    /// <summary>Seed of the weight initialisation.</summary>
    public ulong Seed { get; init; }

    /// <summary>Seed of the training images (dice-mini's training split by default). Step s sees samples
    /// s·B … s·B + B − 1 of this generator.</summary>
    public long DataSeed { get; init; } = DiceMiniSplits.TrainSeed;

    /// <summary>Threads libtorch may use (0 leaves its setting alone).</summary>
    public int Threads { get; init; }

    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        if (Steps < 0 || BatchSize <= 0 || WarmupSteps < 0 || Threads < 0)
        {
            throw new ArgumentException(
                $"invalid classifier training settings: steps {Steps}, batch {BatchSize}, warm-up {WarmupSteps}, threads {Threads}");
        }
        if (!(LearningRate > 0) || !(WeightDecay >= 0) || !(FinalLearningRateFraction is >= 0 and <= 1))
        {
            throw new ArgumentException(
                $"invalid classifier training settings: lr {LearningRate}, weight decay {WeightDecay}, final lr fraction {FinalLearningRateFraction}");
        }
    }

    /// <summary>The learning rate of step <paramref name="step"/> (0-based).</summary>
    public double LearningRateAt(int step)
    {
        if (WarmupSteps > 0 && step < WarmupSteps)
        {
            return LearningRate * (step + 1) / WarmupSteps;
        }
        if (!CosineDecay)
        {
            return LearningRate;
        }
        var span = Math.Max(1, Steps - WarmupSteps);
        var progress = Math.Clamp((double)(step - WarmupSteps) / span, 0, 1);
        var floor = LearningRate * FinalLearningRateFraction;
        return floor + ((LearningRate - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
