using Dice.Core;
using System.Globalization;
using CommandLine;
using Dice.Exporter;
using Dice.Models.Classifier;
using Dice.Models.StableDiffusion;
using Dice.Runtime;
using Dice.Trainer.Recipes;

namespace Dice.Cli.Commands;

[Verb("mini", HelpText = "Re-create the dice-mini model folder from scratch: data, tokenizer, VAE, text encoder + UNet, classifier, ONNX.")]
public sealed class MiniOptions
{
    [Option('o', "out", Required = true, HelpText = "The model folder to write (ONNX layout, weights/, classifier/, recipe.json).")]
    public string Output { get; set; } = "";

    [Option("seed", Default = 0UL, HelpText = "Seed of every trainer's initial weights and noise.")]
    public ulong Seed { get; set; }

    [Option("scale", Default = "full", HelpText = "smoke (tiny models, seconds) or full (the real run, about 1.5 hours on 2 CPU cores).")]
    public string Scale { get; set; } = "full";

    [Option("force", HelpText = "Replace OUT if it exists.")]
    public bool Force { get; set; }

    [Option("device", Default = "cpu", HelpText = "Where the VAE and the teacher train: cpu or cuda (cuda:N). Weights differ from a CPU run's in the last bits.")]
    public string Device { get; set; } = "cpu";

    [Option("vae-steps", HelpText = "Override the preset's VAE training steps.")]
    public int? VaeSteps { get; set; }

    [Option("teacher-steps", HelpText = "Override the preset's teacher (text encoder + UNet) training steps.")]
    public int? TeacherSteps { get; set; }

    [Option("teacher-batch", HelpText = "Override the preset's teacher batch size.")]
    public int? TeacherBatchSize { get; set; }

    [Option("teacher-lr", HelpText = "Override the preset's teacher learning rate.")]
    public double? TeacherLearningRate { get; set; }

    [Option("teacher-caption-noise", HelpText = "Override the preset's chance that a teacher training caption mis-states any one attribute (0 to 1).")]
    public double? TeacherCaptionNoise { get; set; }

    [Option("teacher-snr-cap", HelpText = "Override the preset's cap of the inverse-SNR weight on the teacher's epsilon loss (≥ 1; 1: plain MSE).")]
    public double? TeacherInverseSnrWeightCap { get; set; }
}

/// <summary>`dice mini`: runs <see cref="DiceMiniRecipe"/> with a progress bar and prints where the folder went.</summary>
public static class MiniCommand
{
    public static int Run(MiniOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var recipe = DiceMiniRecipeOptions.Preset(options.Scale, options.Seed)
            ?? throw new DiceUsageException($"unknown --scale '{options.Scale}': use smoke or full");
        if (options.VaeSteps is < 0 || options.TeacherSteps is < 0)
        {
            throw new DiceUsageException("--vae-steps and --teacher-steps must not be negative");
        }
        if (options.TeacherBatchSize is < 1)
        {
            throw new DiceUsageException($"--teacher-batch must be at least 1 (got {options.TeacherBatchSize})");
        }
        if (options.TeacherLearningRate is { } lr)
        {
            TrainingOptionChecks.LearningRate("--teacher-lr", lr);
        }
        if (options.TeacherCaptionNoise is { } noise)
        {
            TrainingOptionChecks.CaptionNoise("--teacher-caption-noise", noise);
        }
        if (options.TeacherInverseSnrWeightCap is { } cap)
        {
            TrainingOptionChecks.SnrCap("--teacher-snr-cap", cap);
        }
        recipe = recipe with
        {
            VaeSteps = options.VaeSteps ?? recipe.VaeSteps,
            TeacherSteps = options.TeacherSteps ?? recipe.TeacherSteps,
            TeacherBatchSize = options.TeacherBatchSize ?? recipe.TeacherBatchSize,
            TeacherLearningRate = options.TeacherLearningRate ?? recipe.TeacherLearningRate,
            TeacherCaptionNoise = options.TeacherCaptionNoise ?? recipe.TeacherCaptionNoise,
            TeacherInverseSnrWeightCap = options.TeacherInverseSnrWeightCap ?? recipe.TeacherInverseSnrWeightCap,
            Device = TrainingDevice.Parse(options.Device),
        };
        if (string.IsNullOrWhiteSpace(options.Output))
        {
            throw new DiceUsageException("--out must name a folder");
        }
        var destination = Path.GetFullPath(options.Output);
        using var claim = RunOutput.Claim("--out", options.Output, isFolder: true, options.Force);
        DiceMiniResult result = null!;
        ProgressConsole.Run("dice-mini", task =>
        {
            result = DiceMiniRecipe.Run(recipe, destination, new Exporter(), true, new InlineProgress<DiceMiniProgress>(p =>
            {
                task.Value = p.Fraction;
                task.Description = $"dice-mini {p.Index + 1}/{p.Count} {p.Stage}";
            }));
            task.Value = task.MaxValue;
        });
        foreach (var (stage, seconds) in result.StageSeconds)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{stage,-15} {seconds,8:F1} s"));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scaling_factor {result.ScalingFactor:G6}"));
        output.WriteLine($"wrote {result.Output} ({options.Scale.ToLowerInvariant()} scale, seed {options.Seed})");
        return ExitCodes.Ok;
    }

    /// <summary>The ONNX half of the recipe, on Dice.Exporter.</summary>
    private sealed class Exporter : IDiceMiniExporter
    {
        public void ConvertStableDiffusion(string weightsFolder, string output) =>
            StableDiffusionConverter.Convert(StableDiffusionSource.FromDiffusersFolder(weightsFolder), output, new Dice.Exporter.ConvertOptions());

        public void ExportClassifier(string weightsFile, AttributeClassifierConfig config, string onnxPath)
        {
            using var weights = SafetensorsWeightSource.Open(weightsFile);
            ClassifierExporter.Export(onnxPath, config, weights);
        }
    }
}
