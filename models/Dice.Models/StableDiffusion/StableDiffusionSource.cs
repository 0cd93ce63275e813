using Dice.Models.Clip;
using Dice.Models.Unet;
using Dice.Models.Vae;
using Dice.Core.Schedulers;

namespace Dice.Models.StableDiffusion;

/// <summary>
/// The parts of a Stable Diffusion model: component configs, scheduler config, tokenizer files and, unless it is
/// a preset of configs alone, the weights — read from a diffusers weights folder (unet/, text_encoder/, vae/,
/// tokenizer/, scheduler/).
/// </summary>
public sealed class StableDiffusionSource
{
    public const string TextEncoderFolder = "text_encoder";
    public const string UnetFolder = "unet";
    public const string VaeFolder = "vae";
    public const string TokenizerFolder = "tokenizer";
    public const string SchedulerFolder = "scheduler";
    public const string SchedulerConfigFile = "scheduler_config.json";

    private StableDiffusionSource(string description, ClipTextConfig textEncoder, UNet2DConditionConfig unet,
        AutoencoderKLConfig vae, string schedulerConfigJson, string tokenizerDirectory, string? weightsRoot)
    {
        Description = description;
        TextEncoder = textEncoder;
        Unet = unet;
        Vae = vae;
        SchedulerConfigJson = schedulerConfigJson;
        TokenizerDirectory = tokenizerDirectory;
        WeightsRoot = weightsRoot;
    }

    /// <summary>The folder path, or "preset NAME".</summary>
    public string Description { get; }

    public ClipTextConfig TextEncoder { get; }

    public UNet2DConditionConfig Unet { get; }

    public AutoencoderKLConfig Vae { get; }

    /// <summary>
    /// The image side the model was trained at: the UNet's sample_size × the VAE's downscale factor, or the VAE's
    /// sample_size when the UNet config has none.
    /// </summary>
    public int ImageSize => Unet.SampleSize is int latent ? latent * Vae.DownscaleFactor : Vae.SampleSize;

    public string SchedulerConfigJson { get; }

    /// <summary>Holds vocab.json and merges.txt (and usually tokenizer_config.json, special_tokens_map.json).</summary>
    public string TokenizerDirectory { get; }

    /// <summary>The diffusers folder the weights come from; null for a preset (weights must be random).</summary>
    public string? WeightsRoot { get; }

    public bool HasWeights => WeightsRoot is not null;

    /// <summary>Where a component's safetensors live (a folder <see cref="Weights.WeightSource"/> opens).</summary>
    public string WeightsPath(string folder) =>
        WeightsRoot is null
            ? throw new InvalidOperationException($"{Description} has no weights: use random weights")
            : Path.Combine(WeightsRoot, folder);

    /// <summary>Reads a diffusers weights folder, naming every missing piece at once.</summary>
    public static StableDiffusionSource FromDiffusersFolder(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var root = Path.GetFullPath(path);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"weights folder {root} does not exist");
        }
        var required = new[]
        {
            Path.Combine(TextEncoderFolder, "config.json"),
            Path.Combine(UnetFolder, "config.json"),
            Path.Combine(VaeFolder, "config.json"),
            Path.Combine(TokenizerFolder, "vocab.json"),
            Path.Combine(TokenizerFolder, "merges.txt"),
            Path.Combine(SchedulerFolder, SchedulerConfigFile),
        };
        var missing = required.Where(r => !File.Exists(Path.Combine(root, r))).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException(
                $"{root} is not a diffusers weights folder: missing {string.Join(", ", missing)}");
        }
        var schedulerPath = Path.Combine(root, SchedulerFolder, SchedulerConfigFile);
        var schedulerJson = File.ReadAllText(schedulerPath);
        // Copied as written into converted folders, so checked here as the runtime will read it.
        _ = SchedulerConfig.Parse(schedulerJson, schedulerPath);
        return new StableDiffusionSource(
            root,
            ClipTextConfig.Load(Path.Combine(root, TextEncoderFolder, "config.json")),
            UNet2DConditionConfig.Load(Path.Combine(root, UnetFolder, "config.json")),
            AutoencoderKLConfig.Load(Path.Combine(root, VaeFolder, "config.json")),
            schedulerJson,
            Path.Combine(root, TokenizerFolder),
            root);
    }

    /// <summary>The configs of a known model, without weights (for random-weight exports: latency work, tests).</summary>
    public static StableDiffusionSource Preset(string name, string tokenizerDirectory)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToLowerInvariant() switch
        {
            "sd15" => new StableDiffusionSource("preset sd15", ClipTextConfig.StableDiffusion15,
                UNet2DConditionConfig.StableDiffusion15, AutoencoderKLConfig.StableDiffusion15, Sd15SchedulerConfig, tokenizerDirectory, null),
            _ => throw new ArgumentException($"unknown preset '{name}': the presets are sd15", nameof(name)),
        };
    }

    /// <summary>Stable Diffusion 1.5's scheduler configuration as published (PNDM, scaled-linear betas 0.00085 → 0.012;
    /// no timestep_spacing key, so each sampler uses its own default spacing).</summary>
    public const string Sd15SchedulerConfig = """
        {
          "_class_name": "PNDMScheduler",
          "beta_end": 0.012,
          "beta_schedule": "scaled_linear",
          "beta_start": 0.00085,
          "clip_sample": false,
          "num_train_timesteps": 1000,
          "set_alpha_to_one": false,
          "skip_prk_steps": true,
          "steps_offset": 1,
          "trained_betas": null
        }
        """;
}
