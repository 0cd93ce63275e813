using Dice.Data;
using Dice.Models.Clip;
using Dice.Models.Unet;
using Dice.Trainer.Training;
using TorchSharp;

namespace Dice.Trainer.Teacher;

/// <summary>Settings of <see cref="TextToImageTrainer"/>.</summary>
public sealed record TextToImageTrainingOptions
{
    public required ClipTextConfig TextEncoder { get; init; }

    public required UNet2DConditionConfig Unet { get; init; }

    /// <summary>A CLIP tokenizer folder (vocab.json, merges.txt, …), e.g. written by Dice.Data's BpeTokenizerFiles.</summary>
    public required string TokenizerFolder { get; init; }

    /// <summary>Steps, checkpoints, resume, loss log.</summary>
    public TrainingRunOptions Run { get; init; } = new();

    public int BatchSize { get; init; } = 64;

    public double LearningRate { get; init; } = 1e-4;

    public double WeightDecay { get; init; } = 1e-2;

    public double Beta1 { get; init; } = 0.9;

    public double Beta2 { get; init; } = 0.999;

    /// <summary>Share of captions replaced by the empty prompt (for classifier-free guidance).</summary>
    public double EmptyCaptionProbability { get; init; } = 0.1;

    /// <summary>
    /// Chance that a training caption mis-states any one attribute of its scene (<see cref="Dice.Data.CaptionNoise"/>);
    /// 0: exact captions.
    /// </summary>
    public double CaptionNoise { get; init; }

    /// <summary>Latents are the VAE's posterior mean times this; null for the VAE config's scaling_factor.</summary>
    public double? ScalingFactor { get; init; }

    /// <summary>
    /// Cap of the inverse-SNR weight on each sample's epsilon loss (see
    /// <see cref="DiffusionNoiseSchedule.InverseSnrLossWeights"/>); 1, the default, is SD1.5's plain MSE.
    /// </summary>
    public double InverseSnrWeightCap { get; init; } = 1;

    /// <summary>Fixes the initial weights, caption dropout, timesteps and noise.</summary>
    public ulong Seed { get; init; }

    public long DatasetSeed { get; init; } = DiceMiniSplits.TrainSeed;

    public int ImageSize { get; init; } = 32;

    /// <summary>Distinct samples cycled through; 0 for a fresh sample every time.</summary>
    public long DatasetSize { get; init; }

    /// <summary>Where to train; null for the CPU.</summary>
    public torch.Device? Device { get; init; }

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(TextEncoder);
        ArgumentNullException.ThrowIfNull(Unet);
        ArgumentException.ThrowIfNullOrEmpty(TokenizerFolder);
        Run.Validate();
        TextEncoder.Validate();
        Unet.Validate();
        if (BatchSize < 1 || LearningRate <= 0 || WeightDecay < 0)
        {
            throw new ArgumentException($"invalid training settings: batch {BatchSize}, lr {LearningRate}, weight decay {WeightDecay}");
        }
        if (EmptyCaptionProbability is < 0 or > 1)
        {
            throw new ArgumentException($"empty-caption probability {EmptyCaptionProbability} is not in [0, 1]");
        }
        if (CaptionNoise is < 0 or > 1 || double.IsNaN(CaptionNoise))
        {
            throw new ArgumentException($"caption noise {CaptionNoise} is not in [0, 1]");
        }
        if (!(InverseSnrWeightCap >= 1) || double.IsPositiveInfinity(InverseSnrWeightCap))
        {
            throw new ArgumentException($"inverse-SNR weight cap {InverseSnrWeightCap} must be a finite number ≥ 1 (1: plain epsilon MSE)");
        }
        if (ScalingFactor is { } s && !(s > 0))
        {
            throw new ArgumentException($"scaling factor {s} must be positive");
        }
        var mismatched = Unet.CrossAttentionDim.Where(d => d != TextEncoder.HiddenSize).ToList();
        if (mismatched.Count > 0)
        {
            throw new ArgumentException(
                $"the UNet's cross_attention_dim [{string.Join(", ", Unet.CrossAttentionDim)}] must equal the text encoder's hidden_size {TextEncoder.HiddenSize}");
        }
    }
}
