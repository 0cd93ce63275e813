using System.Globalization;
using System.Text.Json.Nodes;
using Dice.Models.Sharpener;
using Dice.Models.StableDiffusion;
using Dice.Trainer.Teacher;
using Dice.Trainer.Training;
using AdamW = Dice.Trainer.Training.AdamW;

namespace Dice.Trainer.Sharpener;

/// <summary>
/// What sharpener training writes: the training state of each checkpoint (the sharpener, AdamW and the batch
/// generators; the teacher is frozen and not in it), the checkpoint manifests' metadata, and the exportable
/// sharpener folder that `dice export --sharpener` reads.
/// </summary>
public sealed class SharpenerCheckpoints(SharpenerTrainingOptions options, StableDiffusionSource teacher, SharpenerConfig config,
    TorchOps sharpenerOps, double scalingFactor, int imageSize, DiffusionNoiseSchedule schedule)
{
    /// <summary>Checkpoint names.</summary>
    public const string SharpenerName = "sharpener";
    public const string OptimizerName = "adamw";
    public const string TimestepGeneratorName = "timesteps";
    public const string NoiseGeneratorName = "noise";
    public const string NegativeGeneratorName = "negatives";
    public const string LatentGeneratorName = "vae_posterior";

    /// <summary>The state a checkpoint holds and a resumed run restores.</summary>
    public TrainingState State(AdamW optimizer, SharpenerBatches batches) => new TrainingState()
        .AddModel(SharpenerName, sharpenerOps)
        .AddOptimizer(OptimizerName, optimizer)
        .AddGenerator(TimestepGeneratorName, batches.TimestepGenerator)
        .AddGenerator(NoiseGeneratorName, batches.NoiseGenerator)
        .AddGenerator(NegativeGeneratorName, batches.NegativeGenerator)
        .AddGenerator(LatentGeneratorName, batches.LatentGenerator);

    /// <summary>
    /// Writes the exportable sharpener to <paramref name="folder"/>: sharpener.safetensors (fc1.*, attention.to_q/
    /// to_k/to_v/to_out.0.*, fc2.*) and config.json (sizes plus <see cref="ConfigExtras"/>), built in a temporary
    /// folder beside it and moved in whole (an existing folder is replaced).
    /// </summary>
    public void SaveSharpener(string folder, long trainSteps)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var parent = Path.GetDirectoryName(target) ?? throw new ArgumentException($"{folder} is a root directory", nameof(folder));
        Directory.CreateDirectory(parent);
        var name = Path.GetFileName(target);
        var staging = Path.Combine(parent, $".{name}.{Guid.NewGuid():N}.tmp");
        var old = Path.Combine(parent, $".{name}.{Guid.NewGuid():N}.old");
        try
        {
            Directory.CreateDirectory(staging);
            sharpenerOps.Save(Path.Combine(staging, "sharpener.safetensors"));
            File.WriteAllText(Path.Combine(staging, SharpenerConfig.FileName), config.ToJson(ConfigExtras(trainSteps)));
            if (Directory.Exists(target))
            {
                Directory.Move(target, old);
            }
            Directory.Move(staging, target);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
            if (Directory.Exists(old))
            {
                Directory.Delete(old, recursive: true);
            }
        }
    }

    /// <summary>The informational keys of config.json (guidance_scale, teacher, train_steps, seed, batch_size, learning_rate …).</summary>
    public IReadOnlyDictionary<string, JsonNode?> ConfigExtras(long trainSteps) => new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
    {
        ["guidance_scale"] = options.GuidanceScale,
        ["teacher"] = teacher.WeightsRoot ?? teacher.Description,
        ["train_steps"] = trainSteps,
        ["seed"] = options.Seed,
        ["batch_size"] = options.BatchSize,
        ["gradient_accumulation"] = options.GradientAccumulation,
        ["learning_rate"] = options.LearningRate,
        ["inverse_snr_weight_cap"] = options.InverseSnrWeightCap,
        ["image_size"] = imageSize,
        ["vae_latents"] = VaeLatentsName(options.VaeLatents),
        ["noise_schedule"] = schedule.Description,
        ["negative_prompts"] = options.NegativePrompts is { Count: > 0 },
        ["teacher_precision"] = options.TeacherPrecision.ToString().ToLowerInvariant(),
    };

    /// <summary>Kept in checkpoint manifests.</summary>
    public IReadOnlyDictionary<string, string> Metadata() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["trainer"] = "dice_sharpener",
        ["teacher"] = teacher.WeightsRoot ?? teacher.Description,
        ["sharpener_config"] = config.ToJson(),
        ["guidance_scale"] = options.GuidanceScale.ToString("R", CultureInfo.InvariantCulture),
        ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
        ["batch_size"] = options.BatchSize.ToString(CultureInfo.InvariantCulture),
        ["gradient_accumulation"] = options.GradientAccumulation.ToString(CultureInfo.InvariantCulture),
        ["learning_rate"] = options.LearningRate.ToString("R", CultureInfo.InvariantCulture),
        ["inverse_snr_weight_cap"] = options.InverseSnrWeightCap.ToString("R", CultureInfo.InvariantCulture),
        ["scaling_factor"] = scalingFactor.ToString("R", CultureInfo.InvariantCulture),
        ["image_size"] = imageSize.ToString(CultureInfo.InvariantCulture),
        ["vae_latents"] = VaeLatentsName(options.VaeLatents),
        ["noise_schedule"] = schedule.Description,
        ["data"] = options.Data.Source,
        ["negative_prompts"] = (options.NegativePrompts?.Count ?? 0).ToString(CultureInfo.InvariantCulture),
        ["teacher_precision"] = options.TeacherPrecision.ToString().ToLowerInvariant(),
    };

    /// <summary>"sample" or "mean", as `dice train --vae-sample` takes it.</summary>
    public static string VaeLatentsName(SharpenerVaeLatents latents) => latents == SharpenerVaeLatents.Mean ? "mean" : "sample";
}
