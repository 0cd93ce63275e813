using Dice.Models.StableDiffusion;
using Dice.Trainer.Training;
using Dice.Core.IO;

namespace Dice.Trainer.Teacher;

/// <summary>Settings of <see cref="TeacherFineTuning"/>.</summary>
public sealed record TeacherFineTuneOptions
{
    /// <summary>A diffusers weights folder of a dice-mini-style teacher (text_encoder/, unet/, vae/, tokenizer/); updated in place.</summary>
    public required string WeightsFolder { get; init; }

    public long Steps { get; init; } = 1000;

    public int BatchSize { get; init; } = 32;

    public double LearningRate { get; init; } = 5e-4;

    /// <summary>See <see cref="TextToImageTrainingOptions.CaptionNoise"/>.</summary>
    public double CaptionNoise { get; init; }

    /// <summary>See <see cref="TextToImageTrainingOptions.InverseSnrWeightCap"/>.</summary>
    public double InverseSnrWeightCap { get; init; } = 1;

    public ulong Seed { get; init; }

    /// <summary>Where each step's loss is appended (JSON lines), or null.</summary>
    public string? LossLogPath { get; init; }

    public TorchSharp.torch.Device? Device { get; init; }
}

/// <summary>
/// Continues training a teacher's text encoder and UNet on dice-mini's training scenes with new settings (for
/// dice-mini's second phase: caption noise and the inverse-SNR weight, which a from-scratch run does not survive at
/// the first phase's learning rate), against its frozen VAE. A fresh AdamW; the weights are loaded as stored (float16
/// storage widens to float32) and written back in float32, each file replaced atomically.
/// </summary>
public static class TeacherFineTuning
{
    /// <summary>The <see cref="FaultInjection"/> point between saving the tuned text encoder and the tuned UNet.</summary>
    public const string BetweenSavesKillPoint = "tune.between-saves";

    public static TrainingRunResult Run(TeacherFineTuneOptions options, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var source = StableDiffusionSource.FromDiffusersFolder(options.WeightsFolder);
        var (trainer, vae) = Load(source, settings => settings with
        {
            Run = new TrainingRunOptions { Steps = options.Steps, LossLogPath = options.LossLogPath },
            BatchSize = options.BatchSize,
            LearningRate = options.LearningRate,
            CaptionNoise = options.CaptionNoise,
            InverseSnrWeightCap = options.InverseSnrWeightCap,
            Seed = options.Seed,
        }, options.Device);
        using (vae)
        using (trainer)
        {
            var result = trainer.Train(progress, cancellationToken);
            trainer.TextEncoderOps.Save(TextEncoderFile(source));
            FaultInjection.Reached(BetweenSavesKillPoint);
            trainer.UnetOps.Save(UnetFile(source));
            return result;
        }
    }

    /// <summary>
    /// The teacher of a diffusers weights folder in a trainer, its text encoder and UNet loaded as stored, against its
    /// frozen VAE; the caller disposes both. <paramref name="settings"/> adds training settings to the folder's
    /// architecture, tokenizer, scaling factor and image size.
    /// </summary>
    public static (TextToImageTrainer Trainer, FrozenVae Vae) Load(StableDiffusionSource source,
        Func<TextToImageTrainingOptions, TextToImageTrainingOptions> settings, TorchSharp.torch.Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(settings);
        var vae = FrozenVae.Load(source.Vae, WeightsFile(source, StableDiffusionSource.VaeFolder, "diffusion_pytorch_model.safetensors"), device);
        TextToImageTrainer? trainer = null;
        try
        {
            trainer = new TextToImageTrainer(settings(new TextToImageTrainingOptions
            {
                TextEncoder = source.TextEncoder,
                Unet = source.Unet,
                TokenizerFolder = source.TokenizerDirectory,
                ScalingFactor = source.Vae.ScalingFactor,
                ImageSize = source.ImageSize,
                Device = device,
            }), vae);
            trainer.TextEncoderOps.LoadStateDictFile(TextEncoderFile(source));
            trainer.UnetOps.LoadStateDictFile(UnetFile(source));
            return (trainer, vae);
        }
        catch
        {
            trainer?.Dispose();
            vae.Dispose();
            throw;
        }
    }

    private static string TextEncoderFile(StableDiffusionSource source) =>
        WeightsFile(source, StableDiffusionSource.TextEncoderFolder, "model.safetensors");

    private static string UnetFile(StableDiffusionSource source) =>
        WeightsFile(source, StableDiffusionSource.UnetFolder, "diffusion_pytorch_model.safetensors");

    private static string WeightsFile(StableDiffusionSource source, string folder, string name) =>
        Path.Combine(source.WeightsPath(folder), name);
}
