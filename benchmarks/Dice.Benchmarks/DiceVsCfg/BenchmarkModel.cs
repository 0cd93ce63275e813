using Dice.Core.ModelFolders;

namespace Dice.Benchmarks.DiceVsCfg;

/// <summary>
/// A model the DICE-vs-CFG suites run on, and the sampling settings they use for it. The folder comes from an
/// environment variable (inherited by BenchmarkDotNet's child processes) with a default under the repository.
/// </summary>
public sealed record BenchmarkModel
{
    /// <summary>dice-mini at its own resolution (32×32 images, 8×8 latents) and the paper's 20 steps.</summary>
    public static BenchmarkModel DiceMini { get; } = new()
    {
        Name = "dice-mini",
        EnvironmentVariable = "DICE_BENCHMARK_MINI_MODEL",
        DefaultFolder = Path.Combine("onnx-models", "dice-mini"),
        Steps = 20,
        Prompt = "a small red circle above a blue square",
        Preparation = "train it (`dice mini --out onnx-models/dice-mini`), or point DICE_BENCHMARK_MINI_MODEL at a stand-in " +
            "(see benchmarks/README.md: `scripts/prepare-benchmark-models.sh --mini-smoke DIR`)",
    };

    /// <summary>
    /// The SD1.5 architecture with random weights at 256×256 (32×32 latents, a quarter of SD1.5's 512×512 UNet work)
    /// and the paper's 20 steps, as for dice-mini: a 256×256 resolution is what 2 CPU cores afford (see
    /// <see cref="DiceVsCfg.Sd15PipelineBenchmarks"/> for the budget).
    /// </summary>
    public static BenchmarkModel Sd15 { get; } = new()
    {
        Name = "sd15-random",
        EnvironmentVariable = "DICE_BENCHMARK_SD15_MODEL",
        DefaultFolder = Path.Combine("benchmarks", ".models", "sd15-dice"),
        Steps = 20,
        Height = 256,
        Width = 256,
        Prompt = "a photograph of an astronaut riding a horse",
        Preparation = "run scripts/prepare-benchmark-models.sh",
    };

    public static IReadOnlyList<BenchmarkModel> All { get; } = [DiceMini, Sd15];

    /// <summary>The name the report uses.</summary>
    public required string Name { get; init; }

    /// <summary>Overrides <see cref="DefaultFolder"/>.</summary>
    public required string EnvironmentVariable { get; init; }

    /// <summary>Relative to the repository root.</summary>
    public required string DefaultFolder { get; init; }

    public required int Steps { get; init; }

    /// <summary>Image size in pixels; null for the model's own.</summary>
    public int? Height { get; init; }

    public int? Width { get; init; }

    public string Scheduler { get; init; } = "dpmpp-2m";

    public required string Prompt { get; init; }

    /// <summary>How to make the folder when it is missing (for the error message).</summary>
    public required string Preparation { get; init; }

    /// <summary>The model folder: the environment variable, else the default under the repository root.</summary>
    public string Folder
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
            return Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? Path.Combine(RepositoryPaths.Root, DefaultFolder) : configured);
        }
    }

    /// <summary>The folder, checked to hold everything the suites run (a DICE encoder included).</summary>
    public string RequireFolder()
    {
        var folder = Folder;
        if (!File.Exists(Path.Combine(folder, OnnxModelFolder.Unet, "model.onnx")))
        {
            throw new DirectoryNotFoundException($"{Name}: no ONNX model folder at {folder} (set {EnvironmentVariable}, or {Preparation})");
        }
        if (!File.Exists(Path.Combine(folder, OnnxModelFolder.TextEncoderDice, "model.onnx")))
        {
            throw new InvalidDataException(
                $"{Name}: {folder} has no {OnnxModelFolder.TextEncoderDice}/model.onnx (fuse a sharpener with `dice export`, or {Preparation})");
        }
        return folder;
    }
}
