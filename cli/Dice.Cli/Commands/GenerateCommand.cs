using System.Globalization;
using System.Text.Json;
using CommandLine;
using Dice.Runtime;
using Dice.Runtime.Images;
using Dice.Runtime.Pipelines;

namespace Dice.Cli.Commands;

[Verb("generate", HelpText = "Generate images from prompts (DICE: one UNet call per step; CFG: two).")]
public sealed class GenerateOptions
{
    [Value(0, MetaName = "prompt", Min = 1, HelpText = "One or more prompts.")]
    public IEnumerable<string> Prompts { get; set; } = [];

    [Option("model", HelpText = "ONNX model folder (default: the embedded dice-mini).")]
    public string? Model { get; set; }

    [Option("mode", HelpText = "dice, cfg or unguided (default: dice when the model has text_encoder_dice, else cfg).")]
    public string? Mode { get; set; }

    [Option("guidance", Default = 7.5, HelpText = "CFG guidance scale.")]
    public double Guidance { get; set; }

    [Option("cfg-sequential", HelpText = "Run CFG as two UNet calls of batch N per step instead of one of batch 2N.")]
    public bool CfgSequential { get; set; }

    [Option("alpha", Default = 1.0, HelpText = "DICE sharpening strength.")]
    public double Alpha { get; set; }

    [Option("negative-prompt", Default = "", HelpText = "Negative prompt (CFG's unconditional prompt; DICE's negative).")]
    public string NegativePrompt { get; set; } = "";

    [Option("steps", Default = 20, HelpText = "Sampling steps.")]
    public int Steps { get; set; }

    [Option("scheduler", Default = "dpmpp-2m", HelpText = "dpmpp-2m, euler or ddim.")]
    public string Scheduler { get; set; } = "dpmpp-2m";

    [Option("seed", Default = 0UL, HelpText = "Seed of the initial noise.")]
    public ulong Seed { get; set; }

    [Option("batch", Default = 1, HelpText = "Images per prompt.")]
    public int Batch { get; set; }

    [Option("height", HelpText = "Image height in pixels (default: the model's).")]
    public int? Height { get; set; }

    [Option("width", HelpText = "Image width in pixels (default: the model's).")]
    public int? Width { get; set; }

    [Option("ep", Default = "cpu", HelpText = "Execution provider: cpu or cuda.")]
    public string ExecutionProvider { get; set; } = "cpu";

    [Option('o', "out", Default = "dice.png", HelpText = "Output PNG; several images get -0, -1, … suffixes. A .json sidecar records the settings.")]
    public string Output { get; set; } = "dice.png";
}

/// <summary>`dice generate`: prompts → PNGs with a JSON sidecar holding every setting needed to reproduce them.</summary>
public static class GenerateCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Environment variable naming the default model folder instead of the embedded dice-mini.</summary>
    public const string ModelVariable = "DICE_MODEL";

    /// <summary>The default model: $DICE_MODEL, else the embedded dice-mini beside the executable.</summary>
    public static string DefaultModel =>
        Environment.GetEnvironmentVariable(ModelVariable) is { Length: > 0 } path
            ? path
            : Path.Combine(AppContext.BaseDirectory, "onnx-models", "dice-mini");

    public static int Run(GenerateOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var prompts = options.Prompts.ToList();
        if (prompts.Count == 0)
        {
            throw new DiceUsageException("no prompt given: dice generate \"a red circle on a blue background\"");
        }
        if (!options.Output.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            throw new DiceUsageException($"--out {options.Output} must name a .png file");
        }
        var provider = options.ExecutionProvider.ToLowerInvariant() switch
        {
            "cpu" => ExecutionProvider.Cpu,
            "cuda" => ExecutionProvider.Cuda,
            _ => throw new DiceUsageException($"unknown --ep '{options.ExecutionProvider}': use cpu or cuda"),
        };
        var model = options.Model ?? DefaultModel;
        if (!Directory.Exists(model))
        {
            throw new DiceUsageException(options.Model is null
                ? $"the default model is not at {model} (the embedded dice-mini, or ${ModelVariable}); pass --model FOLDER"
                : $"model folder {model} does not exist");
        }

        StableDiffusionPipeline pipeline;
        try
        {
            pipeline = StableDiffusionPipeline.Load(model, new RuntimeOptions { ExecutionProvider = provider });
        }
        catch (Exception e) when (e is InvalidDataException or DirectoryNotFoundException or ExecutionProviderUnavailableException
                                      or FileNotFoundException)
        {
            throw new DiceUsageException(e.Message, e);
        }
        using (pipeline)
        {
            var mode = ParseMode(options.Mode, pipeline.HasDice);
            var request = new GenerationRequest
            {
                Prompts = prompts,
                NegativePrompt = options.NegativePrompt,
                Mode = mode,
                GuidanceScale = options.Guidance,
                CfgSequential = options.CfgSequential,
                Alpha = options.Alpha,
                Steps = options.Steps,
                Scheduler = options.Scheduler,
                Seed = options.Seed,
                ImagesPerPrompt = options.Batch,
                Height = options.Height,
                Width = options.Width,
            };
            GenerationResult result;
            try
            {
                result = RunWithProgress(pipeline, request);
            }
            catch (ArgumentException e)
            {
                throw new DiceUsageException(e.Message, e);
            }
            var files = OutputPaths(options.Output, result.Images.Count);
            for (var i = 0; i < files.Count; i++)
            {
                var prompt = prompts[i / options.Batch];
                var settings = Settings(pipeline, request, prompt, i, result);
                PngFile.Write(files[i], result.Images[i]);
                WriteAtomically(Path.ChangeExtension(files[i], ".json"), JsonSerializer.Serialize(settings, Indented));
                output.WriteLine(files[i]);
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{mode.ToString().ToLowerInvariant()}: {result.Images.Count} image(s), {result.UnetCalls} UNet calls, {result.Total.TotalSeconds:F2} s"));
        }
        return ExitCodes.Ok;
    }

    private static GenerationMode ParseMode(string? mode, bool hasDice) => mode?.ToLowerInvariant() switch
    {
        null => hasDice ? GenerationMode.Dice : GenerationMode.Cfg,
        "dice" => GenerationMode.Dice,
        "cfg" => GenerationMode.Cfg,
        "unguided" => GenerationMode.Unguided,
        _ => throw new DiceUsageException($"unknown --mode '{mode}': use dice, cfg or unguided"),
    };

    private static GenerationResult RunWithProgress(StableDiffusionPipeline pipeline, GenerationRequest request)
    {
        GenerationResult? result = null;
        ProgressConsole.Run("sampling", task =>
        {
            task.MaxValue = request.Steps;
            result = pipeline.Generate(request, new InlineProgress<StepProgress>(p => task.Value = p.Step));
        });
        return result!;
    }

    private static List<string> OutputPaths(string output, int count)
    {
        if (count == 1)
        {
            return [output];
        }
        var stem = Path.Combine(Path.GetDirectoryName(output) ?? "", Path.GetFileNameWithoutExtension(output));
        return Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"{stem}-{i}.png")).ToList();
    }

    private static Dictionary<string, object?> Settings(StableDiffusionPipeline pipeline, GenerationRequest request, string prompt, int index,
        GenerationResult result) => new()
    {
        ["model"] = pipeline.Folder.Root,
        ["mode"] = request.Mode.ToString().ToLowerInvariant(),
        ["prompt"] = prompt,
        ["negative_prompt"] = request.NegativePrompt,
        ["seed"] = request.Seed,
        ["image_index"] = index,
        ["images_per_prompt"] = request.ImagesPerPrompt,
        ["steps"] = request.Steps,
        ["scheduler"] = request.Scheduler,
        ["guidance"] = request.Mode == GenerationMode.Cfg ? request.GuidanceScale : null,
        ["cfg_sequential"] = request.Mode == GenerationMode.Cfg ? request.CfgSequential : null,
        ["alpha"] = request.Mode == GenerationMode.Dice ? request.Alpha : null,
        ["height"] = result.Images[index].Height,
        ["width"] = result.Images[index].Width,
        ["unet_calls"] = result.UnetCalls,
        ["dice_version"] = typeof(GenerateCommand).Assembly.GetName().Version?.ToString(),
    };

    private static void WriteAtomically(string path, string text)
    {
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temp, text);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
