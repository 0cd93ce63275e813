using Dice.Core;
using System.Globalization;
using System.Security.Cryptography;
using CommandLine;
using Dice.Runtime;
using Dice.Core.IO;
using Dice.Core.Images;
using Dice.Core.Sampling;
using Dice.Runtime.Pipelines;

namespace Dice.Cli.Commands;

[Verb("generate", HelpText = "Generate images from prompts (DICE: one UNet call per step; CFG: two).")]
public sealed class GenerateOptions
{
    [Value(0, MetaName = "prompt", HelpText = "One or more prompts (none with --from).")]
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

    [Option("scheduler", Default = "dpmpp-2m", HelpText = "dpmpp-2m, dpmpp-2m-karras, dpmpp-2m-sde, dpmpp-2m-sde-karras, euler, euler-karras, euler-a, ddim or pndm (PLMS); the -sde and euler-a samplers add seeded noise each step.")]
    public string Scheduler { get; set; } = "dpmpp-2m";

    [Option("seed", Default = 0UL, HelpText = "Seed of the initial noise.")]
    public ulong Seed { get; set; }

    [Option("noise", Default = "dice", HelpText = "Initial noise: dice (Dice's own generator) or torch (torch.randn with "
        + "torch.Generator(\"cpu\").manual_seed(seed), one draw over all images, as diffusers with a CPU generator).")]
    public string Noise { get; set; } = "dice";

    [Option("latents", HelpText = "Start from these latents instead of drawn noise: a .npy of float32 or float16 in C order, "
        + "shape [N,4,h,w] (N = prompts × --batch) or [4,h,w] (every image), h and w the image size / 8.")]
    public string? Latents { get; set; }

    [Option("batch", Default = 1, HelpText = "Images per prompt, at least 1; a request whose estimated memory exceeds the available memory (or DICE_MEMORY_LIMIT bytes) is refused before anything loads.")]
    public int Batch { get; set; }

    [Option("height", HelpText = "Image height in pixels (default: the model's): a multiple of the model's VAE factor × 2^(UNet levels − 1), 64 for SD, up to 16384.")]
    public int? Height { get; set; }

    [Option("width", HelpText = "Image width in pixels (default: the model's): a multiple of the model's VAE factor × 2^(UNet levels − 1), 64 for SD, up to 16384.")]
    public int? Width { get; set; }

    [Option("beta", HelpText = "DICE's negative-prompt strength β in c_dice = c + α·r(c, c_n) − β·(c_n − c_null) (default 1; needs "
        + "--mode dice and --negative-prompt). β 0 keeps the negative prompt only as the sharpener's input. The reference code has no "
        + "negative prompt and uses only alpha: it matches DICE without --negative-prompt, where β plays no part.")]
    public double? Beta { get; set; }

    [Option("guidance-rescale", Default = 0.0, HelpText = "CFG only: guidance rescale φ in [0, 1] (Lin et al. 2023, diffusers' "
        + "guidance_rescale): each image's CFG output rescaled to the standard deviation of its conditional prediction, mixed by φ.")]
    public double GuidanceRescale { get; set; }

    [Option("eta", Default = 0.0, HelpText = "DDIM's η with --scheduler ddim: 0 deterministic (the default), 1 the DDPM posterior's "
        + "variance; the added noise comes from the run's seeded noise source.")]
    public double Eta { get; set; }

    [Option("clip-skip", Default = 0, HelpText = "Condition on the text encoder's hidden state −(n + 1), as diffusers' clip_skip; "
        + "needs an encoder that outputs its hidden states, which Dice's exports do not, so only 0 is accepted for them.")]
    public int ClipSkip { get; set; }

    [Option("init-image", HelpText = "Image-to-image: start from this PNG or JPEG (encoded by the model's vae_encoder), in every mode. "
        + "The output takes its size; an explicit --height/--width must match it.")]
    public string? InitImage { get; set; }

    [Option("strength", HelpText = "Image-to-image: how much of the schedule runs, in (0, 1] (default 0.8, as diffusers): the last "
        + "int(steps × strength) steps, from the image noised to the first of them.")]
    public double? Strength { get; set; }

    [Option("from", HelpText = "Regenerate the image a sidecar (.json) describes, with every setting it records; only --out, "
        + "--model (the folder moved), --ep, and --init-image or --latents (a recorded file now elsewhere; its SHA-256 must match) may "
        + "be given with it. Recorded files are read only from the sidecar's folder.")]
    public string? From { get; set; }

    [Option("ep", Default = "cpu", HelpText = "Execution provider: cpu or cuda.")]
    public string ExecutionProvider { get; set; } = "cpu";

    [Option("compare", HelpText = "Run unguided, CFG and DICE with the same seed and write one captioned grid (columns unguided | CFG | DICE, "
        + "one row per image) with each mode's UNet calls and wall time; needs text_encoder_dice.")]
    public bool Compare { get; set; }

    [Option('o', "out", Default = "dice.png", HelpText = "Output PNG; several images get -0, -1, … suffixes. A .json sidecar records the settings.")]
    public string Output { get; set; } = "dice.png";

    [Option("force", HelpText = "Replace existing images and sidecars at --out.")]
    public bool Force { get; set; }
}

/// <summary>`dice generate`: prompts → PNGs with a JSON sidecar holding every setting needed to reproduce them.</summary>
public static class GenerateCommand
{
    public static int Run(GenerateOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var prompts = options.Prompts.ToList();
        if (options.From is not null)
        {
            return RunFromSidecar(options, prompts, output);
        }
        if (prompts.Count == 0)
        {
            throw new DiceUsageException("no prompt given: dice generate \"a red circle on a blue background\"");
        }
        if (!options.Output.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            throw new DiceUsageException($"--out {options.Output} must name a .png file");
        }
        if (options.Compare && options.InitImage is not null)
        {
            throw new DiceUsageException("--compare is text-to-image only: drop --init-image (and --strength)");
        }
        if (options.Compare && options.Mode is not null)
        {
            throw new DiceUsageException("--compare runs every mode: drop --mode");
        }
        var provider = PipelineLoader.ParseProvider(options.ExecutionProvider);
        using var claim = ImageOutputs.Claim(options.Output, options.Compare ? 1 : prompts.Count * options.Batch, options.Force);
        var model = PipelineLoader.ResolveModel(options.Model);
        var mode = ParseMode(options.Mode, PipelineLoader.OpenFolder(model).HasDice);
        ParseNoise(options.Noise);
        GenerateRequestCheck.Check(options, prompts.Count, model,
            cfgBatched: (options.Compare || mode == GenerationMode.Cfg) && !options.CfgSequential);
        var pipeline = PipelineLoader.Load(model, provider);
        using (pipeline)
        {
            if (options.Compare)
            {
                return Compare(pipeline, options, prompts, output);
            }
            var request = Request(options, prompts) with { Mode = mode };
            var initImage = ReadInitImage(options);
            if (initImage is not null)
            {
                request = request with { InitImage = initImage.Value.Image, Strength = options.Strength ?? 0.8 };
            }
            return GenerateAndWrite(pipeline, request, null, initImage?.Path, initImage?.Sha256, options.Latents, options.Output, output);
        }
    }

    /// <summary>
    /// Runs <paramref name="request"/> and writes each image (or, when <paramref name="only"/> is set, that image alone) with
    /// its sidecar.
    /// </summary>
    private static int GenerateAndWrite(StableDiffusionPipeline pipeline, GenerationRequest request, int? only, string? initPath,
        string? initSha256, string? latentsPath, string outputPath, TextWriter output)
    {
        {
            var mode = request.Mode;
            var prompts = request.Prompts;
            GenerationResult result;
            try
            {
                result = RunWithProgress(pipeline, request);
            }
            catch (ArgumentException e) when (latentsPath is not null && e.Message.StartsWith("latents", StringComparison.Ordinal))
            {
                throw new DiceUsageException($"--latents {latentsPath}: {e.Message}", e);
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException)
            {
                throw new DiceUsageException(e.Message, e);
            }
            var indices = only is { } single ? [single] : Enumerable.Range(0, result.Images.Count).ToList();
            var files = ImageOutputs.Paths(outputPath, indices.Count);
            for (var k = 0; k < files.Count; k++)
            {
                var i = indices[k];
                var prompt = prompts[i / request.ImagesPerPrompt];
                var settings = Settings(pipeline, request, prompt, i, result, latentsPath);
                settings["prompts"] = prompts;
                settings["beta"] = request.Mode == GenerationMode.Dice ? request.Beta : null;
                settings["guidance_rescale"] = request.Mode == GenerationMode.Cfg ? request.GuidanceRescale : null;
                settings["clip_skip"] = request.ClipSkip;
                settings["eta"] = request.Eta == 0 ? null : request.Eta;
                settings["init_image"] = initPath;
                settings["init_image_sha256"] = initSha256;
                settings["strength"] = request.InitImage is null ? null : request.Strength;
                ImageOutputs.Write(files[k], result.Images[i], settings);
                output.WriteLine(files[k]);
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{mode.ToString().ToLowerInvariant()}: {result.Images.Count} image(s), {result.UnetCalls} UNet calls, {result.Total.TotalSeconds:F2} s"));
        }
        return ExitCodes.Ok;
    }

    /// <summary>The request the options describe; the mode is set by the caller (or, comparing, by each run).</summary>
    private static GenerationRequest Request(GenerateOptions options, IReadOnlyList<string> prompts) => new()
    {
        Prompts = prompts,
        NegativePrompt = options.NegativePrompt,
        GuidanceScale = options.Guidance,
        CfgSequential = options.CfgSequential,
        Alpha = options.Alpha,
        Beta = options.Beta ?? 1.0,
        GuidanceRescale = options.GuidanceRescale,
        Eta = options.Eta,
        ClipSkip = options.ClipSkip,
        Steps = options.Steps,
        Scheduler = options.Scheduler,
        Seed = options.Seed,
        Noise = ParseNoise(options.Noise),
        Latents = ReadLatents(options.Latents),
        ImagesPerPrompt = options.Batch,
        Height = options.Height,
        Width = options.Width,
    };

    /// <summary>The --init-image, read, with its absolute path and SHA-256 for the sidecar; null without one.</summary>
    private static (RgbImage Image, string Path, string Sha256)? ReadInitImage(GenerateOptions options)
    {
        if (options.InitImage is null)
        {
            if (options.Strength is not null)
            {
                throw new DiceUsageException("--strength is for image-to-image: add --init-image PATH, or drop --strength");
            }
            return null;
        }
        var path = Path.GetFullPath(options.InitImage);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DiceUsageException($"--init-image {options.InitImage}: cannot read it ({e.Message}); pass a PNG or JPEG file", e);
        }
        try
        {
            return (ImageFile.Decode(bytes, options.InitImage), path, GenerationSidecar.Sha256(bytes));
        }
        catch (ImageFormatException e)
        {
            throw new DiceUsageException($"--init-image {e.Message}; pass a PNG or JPEG file", e);
        }
    }

    /// <summary>
    /// `dice generate --from SIDECAR.json`: reruns the run the sidecar records and writes its one image to --out, so
    /// the PNG comes out byte for byte as before (same model folder and execution provider). Only --out, --model and
    /// --ep may accompany it: every other setting comes from the sidecar.
    /// </summary>
    private static int RunFromSidecar(GenerateOptions options, IReadOnlyList<string> prompts, TextWriter output)
    {
        var given = new List<string>();
        void Check(bool set, string name)
        {
            if (set)
            {
                given.Add(name);
            }
        }
        Check(prompts.Count > 0, "a prompt");
        Check(options.Mode is not null, "--mode");
        Check(options.Guidance != 7.5, "--guidance");
        Check(options.CfgSequential, "--cfg-sequential");
        Check(options.Alpha != 1.0, "--alpha");
        Check(options.NegativePrompt.Length > 0, "--negative-prompt");
        Check(options.Beta is not null, "--beta");
        Check(options.GuidanceRescale != 0, "--guidance-rescale");
        Check(options.Eta != 0, "--eta");
        Check(options.ClipSkip != 0, "--clip-skip");
        Check(options.Strength is not null, "--strength");
        Check(options.Steps != 20, "--steps");
        Check(options.Scheduler != "dpmpp-2m", "--scheduler");
        Check(options.Seed != 0, "--seed");
        Check(options.Batch != 1, "--batch");
        Check(options.Height is not null, "--height");
        Check(options.Width is not null, "--width");
        Check(options.Compare, "--compare");
        Check(!string.Equals(options.Noise, NoiseSources.Dice, StringComparison.OrdinalIgnoreCase), "--noise");
        if (given.Count > 0)
        {
            throw new DiceUsageException(
                $"--from takes every setting from the sidecar: drop {string.Join(", ", given)} (only --out, --model, --ep, and --init-image or --latents for a recorded file that moved, go with --from)");
        }
        if (!options.Output.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            throw new DiceUsageException($"--out {options.Output} must name a .png file");
        }
        var sidecar = GenerationSidecar.Read(options.From!, options.InitImage, options.Latents);
        using var claim = ImageOutputs.Claim(options.Output, 1, options.Force, keepSidecar: options.From);
        var model = options.Model ?? sidecar.Model
            ?? throw new DiceUsageException($"--from {sidecar.Path}: records no model folder; pass --model FOLDER");
        var provider = PipelineLoader.ParseProvider(options.ExecutionProvider);
        var folder = PipelineLoader.ResolveModel(model);
        var recorded = sidecar.Request;
        if (recorded.InitImage is null && recorded.Latents is null && recorded.ImagesPerPrompt > 0)
        {
            ModelGeometry geometry;
            try
            {
                geometry = ModelGeometry.Read(PipelineLoader.OpenFolder(folder));
            }
            catch (InvalidDataException e)
            {
                throw new DiceUsageException($"{e.Message}: fix or replace that file in the model folder", e);
            }
            var (height, width) = (recorded.Height ?? geometry.DefaultHeight, recorded.Width ?? geometry.DefaultWidth);
            if (height > 0 && width > 0)
            {
                GenerateRequestCheck.Memory(geometry, checked((long)recorded.Prompts.Count * recorded.ImagesPerPrompt), height, width,
                    cfgBatched: recorded.Mode == GenerationMode.Cfg && !recorded.CfgSequential);
            }
        }
        using var pipeline = PipelineLoader.Load(folder, provider);
        return GenerateAndWrite(pipeline, sidecar.Request, sidecar.ImageIndex, sidecar.InitImagePath, sidecar.InitImageSha256,
            sidecar.LatentsPath, options.Output, output);
    }

    /// <summary>
    /// `dice generate --compare`: one grid of unguided | CFG | DICE from the same seed, its sidecar, and one line per
    /// mode. Sessions are warmed with a one-step run of each mode first, so the times are those of warm sessions.
    /// "UNet calls" are session runs; "evaluations" are calls × batch (batched CFG: as many calls as DICE, each of
    /// batch 2N), so DICE/CFG is 0.5 in evaluations whether CFG is batched or sequential.
    /// </summary>
    private static int Compare(StableDiffusionPipeline pipeline, GenerateOptions options, IReadOnlyList<string> prompts, TextWriter output)
    {
        if (!pipeline.HasDice)
        {
            throw new DiceUsageException(
                $"--compare needs a DICE encoder, and model folder {pipeline.Folder.Root} has no text_encoder_dice: " +
                "fuse a trained sharpener into it with `dice export`");
        }
        var request = Request(options, prompts);
        ModeComparison comparison = null!;
        try
        {
            ProgressConsole.Run("comparing", task =>
            {
                task.MaxValue = ModeComparison.Modes.Count * request.Steps;
                comparison = ModeComparison.Run(pipeline, request,
                    progress: new InlineProgress<ModeProgress>(p => task.Value = (p.Index * p.Steps) + p.Step));
            });
        }
        catch (ArgumentException e)
        {
            throw new DiceUsageException(e.Message, e);
        }
        ImageOutputs.Write(options.Output, comparison.Grid, CompareSettings(pipeline, request, comparison, options));
        output.WriteLine(options.Output);
        foreach (var run in comparison.Runs)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{run.Name}: {run.UnetCalls} UNet calls × batch {run.UnetBatch} ({run.UnetEvaluations} evaluations), " +
                $"{run.WallTime.TotalSeconds:F2} s (denoising {run.Result.Denoising.TotalSeconds:F2} s)"));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"dice/cfg: {comparison.UnetCallRatio:F2}× UNet calls, {comparison.UnetEvaluationRatio:F2}× UNet evaluations, " +
            $"{comparison.DenoisingTimeRatio:F2}× denoising time"));
        return ExitCodes.Ok;
    }

    private static Dictionary<string, object?> CompareSettings(StableDiffusionPipeline pipeline, GenerationRequest request,
        ModeComparison comparison, GenerateOptions options) => new()
    {
        ["model"] = pipeline.Folder.Root,
        ["compare"] = true,
        ["prompts"] = request.Prompts,
        ["negative_prompt"] = request.NegativePrompt,
        ["seed"] = request.Seed,
        ["noise"] = request.Noise,
        ["latents"] = LatentsRecord(options.Latents),
        ["timestep_input"] = comparison.Unguided.Result.TimestepInput,
        ["images_per_prompt"] = request.ImagesPerPrompt,
        ["steps"] = request.Steps,
        ["scheduler"] = request.Scheduler,
        ["height"] = comparison.Unguided.Result.Images[0].Height,
        ["width"] = comparison.Unguided.Result.Images[0].Width,
        ["columns"] = comparison.Runs.Select(r => r.Name).ToList(),
        ["warm_sessions"] = true,
        ["modes"] = comparison.Runs.Select(r => new Dictionary<string, object?>
        {
            ["mode"] = r.Name,
            ["guidance"] = r.Mode == GenerationMode.Cfg ? r.Request.GuidanceScale : null,
            ["cfg_sequential"] = r.Mode == GenerationMode.Cfg ? r.Request.CfgSequential : null,
            ["alpha"] = r.Mode == GenerationMode.Dice ? r.Request.Alpha : null,
            ["unet_calls"] = r.UnetCalls,
            ["unet_batch"] = r.UnetBatch,
            ["unet_evaluations"] = r.UnetEvaluations,
            ["text_encoding_s"] = r.Result.TextEncoding.TotalSeconds,
            ["denoising_s"] = r.Result.Denoising.TotalSeconds,
            ["decoding_s"] = r.Result.Decoding.TotalSeconds,
            ["total_s"] = r.WallTime.TotalSeconds,
            ["caption"] = r.Caption,
        }).ToList(),
        ["dice_over_cfg"] = new Dictionary<string, double>
        {
            ["unet_calls"] = comparison.UnetCallRatio,
            ["unet_evaluations"] = comparison.UnetEvaluationRatio,
            ["denoising_time"] = comparison.DenoisingTimeRatio,
        },
        ["dice_version"] = typeof(GenerateCommand).Assembly.GetName().Version?.ToString(),
    };

    private static string ParseNoise(string noise) =>
        NoiseSources.Names.FirstOrDefault(n => string.Equals(n, noise, StringComparison.OrdinalIgnoreCase))
        ?? throw new DiceUsageException($"unknown --noise '{noise}': use {string.Join(" or ", NoiseSources.Names)}");

    private static NpyArray? ReadLatents(string? path)
    {
        if (path is null)
        {
            return null;
        }
        if (!File.Exists(path))
        {
            throw new DiceUsageException($"--latents {path}: no such file");
        }
        try
        {
            return NpyFile.Read(path);
        }
        catch (InvalidDataException e)
        {
            throw new DiceUsageException($"--latents {e.Message}", e);
        }
    }

    /// <summary>The sidecar's record of given latents: the file as named and its SHA-256; null when noise was drawn.</summary>
    private static Dictionary<string, string>? LatentsRecord(string? path) => path is null ? null : new()
    {
        ["path"] = Path.GetFullPath(path),
        ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))),
    };

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
            task.MaxValue = request.Steps - StableDiffusionPipeline.StartStep(request);
            result = pipeline.Generate(request, new InlineProgress<StepProgress>(p => task.Value = p.Step));
        });
        return result!;
    }

    private static Dictionary<string, object?> Settings(StableDiffusionPipeline pipeline, GenerationRequest request, string prompt, int index,
        GenerationResult result, string? latentsPath) => new()
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
        ["noise"] = request.Noise,
        ["noise_batch"] = result.Images.Count,
        ["latents"] = LatentsRecord(latentsPath),
        ["timestep_input"] = result.TimestepInput,
        ["dice_version"] = typeof(GenerateCommand).Assembly.GetName().Version?.ToString(),
    };
}
