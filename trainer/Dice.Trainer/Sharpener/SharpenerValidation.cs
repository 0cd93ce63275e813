using System.Globalization;
using System.Text.Json;
using Dice.Data;
using Dice.Models.StableDiffusion;
using Dice.Core.IO;
using Dice.Core.Images;
using Dice.Core.Sampling;
using Dice.Core.Schedulers;
using Dice.Trainer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dice.Trainer.Sharpener;

/// <summary>
/// The validation images a <see cref="SharpenerTrainer"/> writes with each checkpoint, as in the reference
/// implementation: fixed prompts sampled from a fixed seed with the libtorch teacher in three modes — unguided
/// ε(x, c), CFG ε(x, c_null) + w·(ε(x, c) − ε(x, c_null)) at the training guidance w, and DICE ε(x, c + α·r(c, c_null))
/// with the current sharpener at α = 1 (<see cref="SharpenerTrainer.DiceEmbedding"/>) — each with
/// <see cref="Steps"/> steps of DPM-Solver++(2M) configured from the teacher's scheduler/scheduler_config.json
/// (<see cref="TeacherSampler"/>), decoded by the teacher's VAE (latents / scaling factor → decoder → x/2 + 0.5),
/// and laid out as one grid: one row per prompt (named on the left), columns unguided | CFG | DICE (headed above).
/// </summary>
/// <remarks>
/// c_null is the empty prompt's embedding, also when the sharpener trains with negative prompts. Every row starts
/// from the noise <see cref="GaussianNoise"/>(<see cref="Seed"/>) gives one image, so each cell is what `dice
/// generate --seed SEED --steps STEPS --height S --width S` gives for its prompt (with --mode unguided, --mode cfg
/// --guidance w, or the exported sharpener) up to the numerical differences of libtorch and ONNX Runtime. Sampling
/// runs without gradients and draws no random numbers from libtorch, so it leaves the training state — models,
/// optimizer, generators — as it was: a run with validation has the same losses as one without.
/// </remarks>
public sealed class SharpenerValidation
{
    /// <summary>Sampling steps unless set otherwise (the paper's 20-step DPM-Solver++).</summary>
    public const int DefaultSteps = 20;

    /// <summary>How many of the training captions serve as prompts when none are given.</summary>
    public const int DefaultPromptCount = 4;

    /// <summary>The sub-folder of the checkpoints folder that holds the grids.</summary>
    public const string FolderName = "validation";

    /// <summary>The DICE column's sharpening strength α.</summary>
    public const double Alpha = 1;

    /// <summary>Pixels between the grid's cells and around it.</summary>
    public const int Padding = 4;

    private readonly SharpenerTrainer trainer;

    /// <summary>The grid's background (headings and prompts are drawn in black on it).</summary>
    public static RgbColor Background { get; } = new(255, 255, 255);

    /// <param name="trainer">The trainer whose teacher samples and whose current sharpener makes the DICE column.</param>
    /// <param name="prompts">The grid's rows (see <see cref="DefaultPrompts"/>).</param>
    /// <param name="steps">DPM-Solver++(2M) steps per sample.</param>
    /// <param name="seed">Seed of the initial noise.</param>
    /// <exception cref="ArgumentException">No prompts, a blank one, or steps below 1.</exception>
    /// <exception cref="InvalidDataException">The teacher's scheduler configuration cannot be read.</exception>
    public SharpenerValidation(SharpenerTrainer trainer, IReadOnlyList<string> prompts, int steps = DefaultSteps, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0)
        {
            throw new ArgumentException("validation needs at least one prompt", nameof(prompts));
        }
        if (prompts.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("validation prompts must not be null or blank", nameof(prompts));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        this.trainer = trainer;
        Prompts = prompts.ToList();
        Steps = steps;
        Seed = seed;
        var teacher = trainer.Teacher;
        var source = Path.Combine(teacher.WeightsRoot ?? teacher.Description, StableDiffusionSource.SchedulerFolder,
            StableDiffusionSource.SchedulerConfigFile);
        var latentSize = trainer.ImageSize / teacher.Vae.DownscaleFactor;
        Sampler = new TeacherSampler(trainer.Unet, SchedulerConfig.Parse(teacher.SchedulerConfigJson, source), trainer.Device,
            teacher.Vae.LatentChannels, latentSize, latentSize);
    }

    /// <summary>The grid's rows, top to bottom.</summary>
    public IReadOnlyList<string> Prompts { get; }

    public int Steps { get; }

    public ulong Seed { get; }

    /// <summary>The CFG column's guidance scale: the training's.</summary>
    public double GuidanceScale => trainer.Options.GuidanceScale;

    public TeacherSampler Sampler { get; }

    /// <summary>The column headings, left to right: "unguided", "CFG w=…", "DICE a=1".</summary>
    public IReadOnlyList<string> ColumnLabels => Labels(GuidanceScale);

    /// <summary>
    /// The prompts used when none are given: the first <paramref name="count"/> distinct non-blank captions of
    /// <paramref name="data"/> in its order (fewer when it has fewer). Taken from the training data, they suit
    /// whatever the teacher was trained on (COCO captions for SD, scene descriptions for dice-mini).
    /// </summary>
    public static IReadOnlyList<string> DefaultPrompts(ICaptionedImageSource data, int count = DefaultPromptCount)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var prompts = data.Items
            .Select(i => i.Caption.Trim())
            .Where(c => c.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .Take(count)
            .ToList();
        if (prompts.Count == 0)
        {
            throw new ArgumentException($"{data.Source} has no captions to validate with: give validation prompts");
        }
        return prompts;
    }

    /// <summary>Where the grid of the checkpoint at <paramref name="step"/> goes: CHECKPOINTS/validation/step-000000800.png.</summary>
    public static string GridPath(string checkpointsFolder, long step)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointsFolder);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return Path.Combine(Path.GetFullPath(checkpointsFolder), FolderName, TrainingCheckpoint.FolderName(step) + ".png");
    }

    /// <summary>Samples every prompt in the three modes with the sharpener as it is now.</summary>
    public SharpenerValidationImages Sample()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var n = Prompts.Count;
        var noise = InitialNoise(n);
        var conditional = trainer.EncodePrompts(Prompts);
        var unconditional = trainer.NullEmbedding.expand(n, conditional.size(1), conditional.size(2)).contiguous();
        var dice = trainer.DiceEmbedding(conditional, unconditional, Alpha);
        var unguided = Decode(Sampler.Sample(noise, conditional, Steps), n);
        var cfg = Decode(Sampler.Sample(noise, conditional, Steps, unconditional, GuidanceScale), n);
        var sharpened = Decode(Sampler.Sample(noise, dice, Steps), n);
        return new SharpenerValidationImages(unguided, cfg, sharpened);
    }

    /// <summary>The column headings, left to right, for guidance scale <paramref name="guidanceScale"/>.</summary>
    public static IReadOnlyList<string> Labels(double guidanceScale) =>
    [
        "unguided",
        string.Create(CultureInfo.InvariantCulture, $"CFG w={guidanceScale:0.##}"),
        string.Create(CultureInfo.InvariantCulture, $"DICE a={Alpha:0.##}"),
    ];

    /// <summary>
    /// Lays <paramref name="images"/> out as the grid: rows = prompts (each named in a side panel on the left), columns
    /// unguided | CFG | DICE (headed once above), on white; small images enlarged by nearest neighbour to at least
    /// <see cref="ImageGrid.LegiblePanelSide"/> pixels.
    /// </summary>
    public RgbImage Compose(SharpenerValidationImages images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var columns = images.Columns;
        if (columns.Any(c => c.Count != Prompts.Count))
        {
            throw new ArgumentException($"every mode needs one image per prompt ({Prompts.Count})", nameof(images));
        }
        var cells = new List<RgbImage>(Prompts.Count * columns.Count);
        for (var row = 0; row < Prompts.Count; row++)
        {
            cells.AddRange(columns.Select(c => c[row]));
        }
        var side = cells.Max(image => Math.Max(image.Width, image.Height));
        return ImageGrid.Compose(cells, columns.Count, Padding, Background, ImageGrid.PanelScaleFor(side),
            columnHeadings: ColumnLabels, rowLabels: Prompts);
    }

    /// <summary>
    /// Samples, composes and writes the grid of the checkpoint at <paramref name="step"/> to
    /// <see cref="GridPath"/> atomically (a PNG whose tEXt "Comment" records the settings as JSON); returns its path.
    /// </summary>
    public string Write(string checkpointsFolder, long step)
    {
        var path = GridPath(checkpointsFolder, step);
        var grid = Compose(Sample());
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var text = new[]
        {
            new PngTextChunk("Title", string.Create(CultureInfo.InvariantCulture, $"DICE validation at step {step}")),
            new PngTextChunk("Software", "Dice"),
            new PngTextChunk("Comment", Settings(step)),
        };
        AtomicFile.Write(path, stream => PngEncoder.Encode(stream, grid, text));
        return path;
    }

    /// <summary>The settings of a grid as JSON (ASCII: other characters are escaped, as tEXt chunks need Latin-1).</summary>
    public string Settings(long step) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["step"] = step,
        ["prompts"] = Prompts,
        ["columns"] = new[] { "unguided", "cfg", "dice" },
        ["seed"] = Seed,
        ["steps"] = Steps,
        ["scheduler"] = Sampler.SchedulerName,
        ["guidance_scale"] = GuidanceScale,
        ["alpha"] = Alpha,
        ["image_size"] = trainer.ImageSize,
    });

    /// <summary>N copies of the noise <see cref="GaussianNoise"/>(<see cref="Seed"/>) gives one image.</summary>
    private float[] InitialNoise(int count)
    {
        var one = new float[Sampler.LatentCount];
        new GaussianNoise(Seed).Fill(one);
        var noise = new float[count * one.Length];
        for (var i = 0; i < count; i++)
        {
            one.CopyTo(noise, i * one.Length);
        }
        return noise;
    }

    /// <summary>Decodes the images one at a time (the VAE decoder's activations are the largest at full size).</summary>
    private List<RgbImage> Decode(float[] latents, int count)
    {
        var images = new List<RgbImage>(count);
        var per = Sampler.LatentCount;
        for (var b = 0; b < count; b++)
        {
            using var scope = NewDisposeScope();
            var shape = new long[] { 1, Sampler.LatentChannels, Sampler.LatentHeight, Sampler.LatentWidth };
            var x = tensor(latents.AsSpan(b * per, per).ToArray(), shape, device: trainer.Device);
            var decoded = trainer.Vae.Decode(x, trainer.ScalingFactor);
            var chw = decoded.cpu().data<float>().ToArray();
            for (var i = 0; i < chw.Length; i++)
            {
                chw[i] = chw[i] / 2 + 0.5f;
            }
            images.Add(RgbImage.FromChw(chw, (int)decoded.size(3), (int)decoded.size(2)));
        }
        return images;
    }
}
