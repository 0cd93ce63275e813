using Dice.Data;
using Dice.Models.Vae;
using Dice.Trainer.Training;
using TorchSharp;

namespace Dice.Trainer.Teacher;

/// <summary>Settings of <see cref="VaeTrainer"/>.</summary>
public sealed record VaeTrainingOptions
{
    public required AutoencoderKLConfig Model { get; init; }

    /// <summary>Steps, checkpoints, resume, loss log.</summary>
    public TrainingRunOptions Run { get; init; } = new();

    public int BatchSize { get; init; } = 32;

    public double LearningRate { get; init; } = 2e-4;

    public double WeightDecay { get; init; } = 1e-2;

    public double Beta1 { get; init; } = 0.9;

    public double Beta2 { get; init; } = 0.999;

    /// <summary>Weight of the KL term (small: the latents should stay informative, only kept near N(0, 1) in scale).</summary>
    public double KlWeight { get; init; } = 1e-6;

    public ReconstructionLoss Reconstruction { get; init; } = ReconstructionLoss.L1;

    /// <summary>Fixes the initial weights and the posterior samples.</summary>
    public ulong Seed { get; init; }

    public long DatasetSeed { get; init; } = DiceMiniSplits.TrainSeed;

    public int ImageSize { get; init; } = 32;

    /// <summary>Distinct samples cycled through; 0 for a fresh sample every time.</summary>
    public long DatasetSize { get; init; }

    /// <summary>Where to train; null for the CPU.</summary>
    public torch.Device? Device { get; init; }

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Model);
        Run.Validate();
        if (BatchSize < 1 || LearningRate <= 0 || KlWeight < 0 || WeightDecay < 0)
        {
            throw new ArgumentException($"invalid VAE training settings: batch {BatchSize}, lr {LearningRate}, kl weight {KlWeight}, weight decay {WeightDecay}");
        }
        if (ImageSize % Model.DownscaleFactor != 0)
        {
            throw new ArgumentException($"image size {ImageSize} is not a multiple of the VAE's downscale factor {Model.DownscaleFactor}");
        }
    }
}
