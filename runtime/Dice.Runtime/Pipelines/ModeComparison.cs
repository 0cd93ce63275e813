using Dice.Core;
using System.Globalization;
using Dice.Core.Images;
using Dice.Core.ModelFolders;

namespace Dice.Runtime.Pipelines;

/// <summary>One column of a <see cref="ModeComparison"/>: the request run in one mode and what it produced and cost.</summary>
public sealed record ModeRun(GenerationRequest Request, GenerationResult Result)
{
    public GenerationMode Mode => Request.Mode;

    /// <summary>UNet calls (sessions runs) over the whole run: one per step, or two per step for sequential CFG.</summary>
    public int UnetCalls => Result.UnetCalls;

    /// <summary>
    /// UNet evaluations: samples pushed through the UNet over the run, the sum of every call's batch. This is the
    /// quantity DICE halves: batched CFG makes as many calls as DICE, each of twice the batch.
    /// </summary>
    public int UnetEvaluations => Result.UnetBatchSizes.Sum();

    /// <summary>The batch of each UNet call (every call of a run has the same one).</summary>
    public int UnetBatch => Result.UnetBatchSizes.Count > 0 ? Result.UnetBatchSizes[0] : 0;

    /// <summary>Wall time of the run: text encoding + denoising + decoding (the sessions were warm).</summary>
    public TimeSpan WallTime => Result.Total;

    /// <summary>The mode as the CLI and sidecars spell it: unguided, cfg or dice.</summary>
    public string Name => Mode.ToString().ToLowerInvariant();

    /// <summary>The mode with its strength: "unguided", "CFG w=5" or "DICE a=1".</summary>
    public string Label => Mode switch
    {
        GenerationMode.Cfg => string.Create(CultureInfo.InvariantCulture, $"CFG w={Request.GuidanceScale:0.##}"),
        GenerationMode.Dice => string.Create(CultureInfo.InvariantCulture, $"DICE a={Request.Alpha:0.##}"),
        _ => "unguided",
    };

    /// <summary>One line for logs and sidecars, e.g. "CFG w=5: 20 UNet calls x batch 2, 1.93 s".</summary>
    public string Caption => string.Create(CultureInfo.InvariantCulture,
        $"{Label}: {UnetCalls} UNet calls x batch {UnetBatch}, {WallTime.TotalSeconds:F2} s");

    /// <summary>
    /// The heading over this column of the grid: the caption's facts on three short lines (label and wall time; UNet
    /// calls; batch), each of which fits a 256-pixel panel at the grid's text scale.
    /// </summary>
    public string Heading => string.Create(CultureInfo.InvariantCulture,
        $"{Label}: {WallTime.TotalSeconds:F2} s\n{UnetCalls} UNet calls\nbatch {UnetBatch}");
}

/// <summary>
/// The three modes side by side: unguided, CFG and DICE run on one pipeline with the same request and seed, and
/// the images laid out as one grid (one row per image, columns unguided | CFG | DICE, each column headed with its
/// mode's wall time, UNet calls and batch).
/// </summary>
public sealed record ModeComparison(IReadOnlyList<ModeRun> Runs, RgbImage Grid)
{
    /// <summary>The columns of the grid, left to right.</summary>
    public static IReadOnlyList<GenerationMode> Modes { get; } = [GenerationMode.Unguided, GenerationMode.Cfg, GenerationMode.Dice];

    /// <summary>Pixels between the grid's cells and around it.</summary>
    public const int Padding = 4;

    /// <summary>Background of the grid (headings are drawn in black on it).</summary>
    public static RgbColor Background { get; } = new(255, 255, 255);

    public ModeRun Unguided => Runs[0];

    public ModeRun Cfg => Runs[1];

    public ModeRun Dice => Runs[2];

    /// <summary>DICE's UNet calls over CFG's (1 for batched CFG, 0.5 for sequential).</summary>
    public double UnetCallRatio => (double)Dice.UnetCalls / Cfg.UnetCalls;

    /// <summary>DICE's UNet evaluations (calls × batch) over CFG's: 0.5 whether CFG is batched or sequential.</summary>
    public double UnetEvaluationRatio => (double)Dice.UnetEvaluations / Cfg.UnetEvaluations;

    /// <summary>DICE's denoising time over CFG's.</summary>
    public double DenoisingTimeRatio => Dice.Result.Denoising / Cfg.Result.Denoising;

    /// <summary>
    /// Runs <paramref name="request"/> (its <see cref="GenerationRequest.Mode"/> is ignored) unguided, with CFG (batched
    /// unless the request says sequential) and with DICE, in that order and with the same seed, so row i of every
    /// column starts from the same noise. When <paramref name="warmUp"/> (the default), each mode first runs one
    /// throw-away step at the same sizes so that no column's time includes creating and warming its sessions (the
    /// DICE encoder's session is created on first use; ONNX Runtime's first run of a shape is slow); the reported
    /// times are then those of warm sessions, as in a long-running server.
    /// </summary>
    /// <exception cref="ArgumentException">The model has no DICE encoder, or the request is invalid.</exception>
    public static ModeComparison Run(StableDiffusionPipeline pipeline, GenerationRequest request, bool warmUp = true,
        IProgress<ModeProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(request);
        if (!pipeline.HasDice)
        {
            throw new ArgumentException(
                $"model folder {pipeline.Folder.Root} has no {OnnxModelFolder.TextEncoderDice}/model.onnx, so there is no DICE column to compare: " +
                "train a sharpener with `dice train` and fuse it with `dice export`");
        }
        // Settings of one mode only (CFG's guidance rescale, DICE's beta) are left at their neutral values in the others.
        var requests = Modes.Select(mode => request with
        {
            Mode = mode,
            GuidanceRescale = mode == GenerationMode.Cfg ? request.GuidanceRescale : 0,
            Beta = mode == GenerationMode.Dice ? request.Beta : 1,
        }).ToList();
        if (warmUp)
        {
            foreach (var r in requests)
            {
                pipeline.Generate(r with { Steps = 1, Strength = 1 }, cancellationToken: cancellationToken);
            }
        }
        var runs = new List<ModeRun>(requests.Count);
        foreach (var r in requests)
        {
            var stepProgress = progress is null
                ? null
                : new InlineProgress<StepProgress>(p => progress.Report(new ModeProgress(r.Mode, runs.Count, requests.Count, p.Step, p.Steps)));
            runs.Add(new ModeRun(r, pipeline.Generate(r, stepProgress, cancellationToken)));
        }
        return new ModeComparison(runs, Compose(runs));
    }

    /// <summary>
    /// Lays <paramref name="runs"/> out as columns (in the given order), one row per image, each column headed once with
    /// its <see cref="ModeRun.Heading"/>; small images are enlarged by nearest neighbour to at least
    /// <see cref="ImageGrid.LegiblePanelSide"/> pixels (<see cref="ImageGrid.PanelScaleFor"/>), on white with
    /// <see cref="Padding"/>.
    /// </summary>
    public static RgbImage Compose(IReadOnlyList<ModeRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0)
        {
            throw new ArgumentException("nothing to compose: no runs", nameof(runs));
        }
        var rows = runs[0].Result.Images.Count;
        if (runs.Any(r => r.Result.Images.Count != rows))
        {
            throw new ArgumentException("every run must have as many images as the first", nameof(runs));
        }
        var images = new List<RgbImage>(rows * runs.Count);
        for (var row = 0; row < rows; row++)
        {
            images.AddRange(runs.Select(run => run.Result.Images[row]));
        }
        var side = images.Max(image => Math.Max(image.Width, image.Height));
        return ImageGrid.Compose(images, runs.Count, Padding, Background, ImageGrid.PanelScaleFor(side),
            columnHeadings: runs.Select(run => run.Heading).ToList());
    }
}

/// <summary>Reported after each denoising step of a <see cref="ModeComparison"/>: which mode (Index of Count) and its step.</summary>
public sealed record ModeProgress(GenerationMode Mode, int Index, int Count, int Step, int Steps);
