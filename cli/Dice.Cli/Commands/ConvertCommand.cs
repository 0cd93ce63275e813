using Dice.Core;
using System.Diagnostics;
using System.Globalization;
using CommandLine;
using Dice.Exporter;
using Dice.Models.StableDiffusion;
using Dice.Models.Weights;
using Dice.Runtime;
using Dice.Safetensors;

namespace Dice.Cli.Commands;

[Verb("convert", HelpText = "Convert a diffusers weights folder (or a preset with random weights) to an ONNX model folder.")]
public sealed class ConvertOptionsVerb
{
    [Value(0, MetaName = "weights", HelpText = "The diffusers weights folder (unet/, text_encoder/, vae/, tokenizer/, scheduler/). Omit with --preset.")]
    public string? Weights { get; set; }

    [Option('o', "out", Required = true, HelpText = "The ONNX model folder to write.")]
    public string Output { get; set; } = "";

    [Option("preset", HelpText = "Use a known model's configs instead of a weights folder (sd15); needs --random-weights.")]
    public string? Preset { get; set; }

    [Option("random-weights", HelpText = "Draw every weight from its default initialisation instead of reading checkpoints (for latency work).")]
    public bool RandomWeights { get; set; }

    [Option("seed", Default = 0UL, HelpText = "Seed of --random-weights.")]
    public ulong Seed { get; set; }

    [Option("dtype", Default = "fp32", HelpText = "Weights and activations: fp32 or fp16.")]
    public string DType { get; set; } = "fp32";

    [Option("components", Separator = ',', HelpText = "Only these components (text_encoder,unet,vae_decoder,vae_encoder).")]
    public IEnumerable<string> Components { get; set; } = [];

    [Option("force", HelpText = "Replace the output folder if it exists.")]
    public bool Force { get; set; }
}

/// <summary>`dice convert`: exports each component with a progress bar, then prints what it wrote.</summary>
public static class ConvertCommand
{
    public static int Run(ConvertOptionsVerb options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var precision = options.DType.ToLowerInvariant() switch
        {
            "fp32" or "float32" => OnnxPrecision.Float32,
            "fp16" or "float16" => OnnxPrecision.Float16,
            _ => throw new DiceUsageException($"unknown --dtype '{options.DType}': use fp32 or fp16"),
        };
        using var claim = RunOutput.Claim("--out", options.Output, isFolder: true, options.Force);
        var source = Source(options);
        var components = options.Components.ToList();
        var convert = new ConvertOptions
        {
            Precision = precision,
            RandomWeightsSeed = options.RandomWeights ? options.Seed : null,
            Components = components.Count > 0 ? components : ConvertOptions.AllComponents,
            Overwrite = true, // the claim above has applied the overwrite policy
        };

        var stopwatch = Stopwatch.StartNew();
        IReadOnlyList<OnnxExportResult> results;
        try
        {
            results = RunWithProgress(source, options.Output, convert);
        }
        catch (Exception e) when (e is CheckpointMismatchException or SafetensorsFormatException or IOException or ArgumentException or InvalidOperationException
                                      or InvalidDataException)
        {
            throw new DiceUsageException(e.Message, e);
        }
        foreach (var r in results)
        {
            var bytes = new FileInfo(r.ModelPath).Length + (r.DataPath is null ? 0 : new FileInfo(r.DataPath).Length);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFileName(Path.GetDirectoryName(r.ModelPath))}: {r.ParameterCount:N0} parameters, {bytes / 1048576.0:F1} MiB{(r.DataPath is null ? "" : " (with external data)")}"));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {Path.GetFullPath(options.Output)} in {stopwatch.Elapsed.TotalSeconds:F1} s"));
        return ExitCodes.Ok;
    }

    private static StableDiffusionSource Source(ConvertOptionsVerb options)
    {
        try
        {
            if (options.Preset is not null)
            {
                if (options.Weights is not null)
                {
                    throw new DiceUsageException("give either a weights folder or --preset, not both");
                }
                if (!options.RandomWeights)
                {
                    throw new DiceUsageException($"preset {options.Preset} has configs but no weights: add --random-weights");
                }
                return StableDiffusionSource.Preset(options.Preset, Path.Combine(AppContext.BaseDirectory, "tokenizers", "clip-vit-l14"));
            }
            if (options.Weights is null)
            {
                throw new DiceUsageException("give a diffusers weights folder, or --preset sd15 --random-weights");
            }
            return StableDiffusionSource.FromDiffusersFolder(options.Weights);
        }
        catch (Exception e) when (e is DirectoryNotFoundException or InvalidDataException or ArgumentException)
        {
            throw new DiceUsageException(e.Message, e);
        }
    }

    private static IReadOnlyList<OnnxExportResult> RunWithProgress(StableDiffusionSource source, string output, ConvertOptions convert)
    {
        IReadOnlyList<OnnxExportResult> results = [];
        ProgressConsole.Run("converting", task =>
        {
            results = StableDiffusionConverter.Convert(source, output, convert, new InlineProgress<ConvertProgress>(p =>
            {
                task.Description = p.Component;
                task.MaxValue = p.ParametersTotal;
                task.Value = p.ParametersDone;
            }));
            task.Value = task.MaxValue;
        });
        return results;
    }
}
