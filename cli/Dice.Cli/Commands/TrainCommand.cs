using Dice.Core;
using Dice.Core.Images;
using System.Globalization;
using CommandLine;
using Dice.Data;
using Dice.Models.Weights;
using Dice.Runtime;
using Dice.Safetensors;
using Dice.Trainer.Sharpener;
using Dice.Trainer.Training;
using TorchSharp;

namespace Dice.Cli.Commands;

[Verb("train", HelpText = "Train a DICE sharpener against a frozen teacher (a diffusers weights folder).")]
public sealed class TrainOptions
{
    [Option("teacher", Required = true, HelpText = "The teacher's diffusers weights folder (text_encoder/, unet/, vae/, tokenizer/, scheduler/).")]
    public string Teacher { get; set; } = "";

    [Option("data", Required = true, HelpText = "An imagefolder dataset (metadata.jsonl) or a COCO captions JSON file (with --images); PNG or JPEG images. "
        + "An image with several captions is trained with one drawn at random each epoch.")]
    public string Data { get; set; } = "";

    [Option("images", HelpText = "The images folder of a COCO captions file.")]
    public string? Images { get; set; }

    [Option('o', "out", Required = true, HelpText = "The sharpener folder to write (sharpener.safetensors + config.json); checkpoints go to OUT.checkpoints.")]
    public string Output { get; set; } = "";

    [Option("steps", Default = 8000L, HelpText = "Optimizer updates.")]
    public long Steps { get; set; }

    [Option("batch", Default = 16, HelpText = "Samples per micro-batch.")]
    public int Batch { get; set; }

    [Option("grad-accum", Default = 1, HelpText = "Micro-batches per update.")]
    public int GradAccum { get; set; }

    [Option("guidance", Default = 5.0, HelpText = "The teacher's guidance scale in the target.")]
    public double Guidance { get; set; }

    [Option("lr", Default = 2e-4, HelpText = "AdamW learning rate (constant).")]
    public double LearningRate { get; set; }

    [Option("seed", Default = 0UL, HelpText = "Seed of the initial weights, data order, timesteps and noise.")]
    public ulong Seed { get; set; }

    [Option("checkpoint-every", Default = 800L, HelpText = "A checkpoint every this many updates (and after the last).")]
    public long CheckpointEvery { get; set; }

    [Option("resume", HelpText = "Continue from the newest checkpoint in OUT.checkpoints.")]
    public bool Resume { get; set; }

    [Option("force", HelpText = "Replace an earlier run in OUT and OUT.checkpoints (start again from step 0).")]
    public bool Force { get; set; }

    [Option("negatives", HelpText = "A file of negative prompts (one a line) that replace the empty prompt.")]
    public string? Negatives { get; set; }

    [Option("device", Default = "cpu", HelpText = "cpu or cuda (cuda:N).")]
    public string Device { get; set; } = "cpu";

    [Option("teacher-precision", Default = "fp32", HelpText = "What the frozen teacher UNet computes in: fp32, fp16 (CUDA only; "
        + "about half the memory and time on a GPU) or bf16. The sharpener always trains in fp32.")]
    public string TeacherPrecision { get; set; } = "fp32";

    [Option("snr-cap", Default = 1.0, HelpText = "Weight each batch's L1 loss by √min(max(1/SNR_t, 1), CAP), bringing it toward the x0 error at "
        + "high noise, where CFG sets layout and colours; 1 (default) is the reference's plain L1.")]
    public double SnrCap { get; set; } = 1;

    [Option("vae-sample", Default = "sample", HelpText = "The latents of an image: sample (a seeded draw from the VAE's posterior, "
        + "as the reference does) or mean (the posterior mean).")]
    public string VaeSample { get; set; } = "sample";

    [Option("inner-dim", Default = 512, HelpText = "The sharpener's inner width.")]
    public int InnerDim { get; set; }

    [Option("heads", Default = 8, HelpText = "The sharpener's attention heads.")]
    public int Heads { get; set; }

    [Option("image-size", HelpText = "Side of the square training images (default: the UNet's sample_size × the VAE's downscale factor, "
        + "2^(len(block_out_channels) − 1); or the VAE's sample_size when the UNet config has none); images are cropped to their "
        + "centred square and resized bilinearly to it.")]
    public int? ImageSize { get; set; }

    [Option("validation-prompts", HelpText = "A file of validation prompts (one a line) for the grid written with each checkpoint "
        + "(default: the first 4 distinct captions of the training data).")]
    public string? ValidationPrompts { get; set; }

    [Option("validation-steps", Default = SharpenerValidation.DefaultSteps, HelpText = "DPM-Solver++(2M) steps of the validation grid "
        + "written with each checkpoint (OUT.checkpoints/validation/step-000000800.png for step 800; rows: prompts, "
        + "columns: unguided | CFG | DICE); 0 for none.")]
    public int ValidationSteps { get; set; }

    [Option("validation-seed", Default = 0UL, HelpText = "Seed of the validation grids' noise (each row: what `dice generate --seed` draws).")]
    public ulong ValidationSeed { get; set; }
}

/// <summary>`dice train`: trains a sharpener with a progress bar, then writes the exportable folder and prints the final loss.</summary>
public static class TrainCommand
{
    public static string CheckpointFolder(string output) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(output)) + ".checkpoints";

    public static int Run(TrainOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        if (!Directory.Exists(options.Teacher))
        {
            throw new DiceUsageException($"teacher folder {Path.GetFullPath(options.Teacher)} does not exist");
        }
        if (options.Steps < 1 || options.CheckpointEvery < 0)
        {
            throw new DiceUsageException($"--steps must be at least 1 and --checkpoint-every not negative (got {options.Steps}, {options.CheckpointEvery})");
        }
        TrainingOptionChecks.SnrCap("--snr-cap", options.SnrCap, "the reference's plain L1");
        if (options.ValidationSteps < 0)
        {
            throw new DiceUsageException($"--validation-steps must not be negative (got {options.ValidationSteps}; 0 for no validation)");
        }
        var device = TrainingDevice.Parse(options.Device);
        var teacherPrecision = options.TeacherPrecision.ToLowerInvariant() switch
        {
            "fp32" or "float32" => torch.ScalarType.Float32,
            "fp16" or "float16" => torch.ScalarType.Float16,
            "bf16" or "bfloat16" => torch.ScalarType.BFloat16,
            _ => throw new DiceUsageException($"unknown --teacher-precision '{options.TeacherPrecision}': use fp32, fp16 or bf16"),
        };
        var vaeLatents = options.VaeSample.ToLowerInvariant() switch
        {
            "sample" => SharpenerVaeLatents.Sample,
            "mean" => SharpenerVaeLatents.Mean,
            _ => throw new DiceUsageException($"unknown --vae-sample '{options.VaeSample}': use sample or mean"),
        };
        if (options.Resume && options.Force)
        {
            throw new DiceUsageException("--resume continues the run in --out and --force replaces it: pass one of them");
        }
        var checkpoints = CheckpointFolder(options.Output);
        using var claim = RunOutput.Claim("--out", options.Output, isFolder: true, force: options.Force || options.Resume,
            owned: [options.Output, checkpoints], keepHint: "--resume to continue it");
        if (options.Force)
        {
            foreach (var earlier in new[] { Path.GetFullPath(options.Output), checkpoints }.Where(Directory.Exists))
            {
                Directory.Delete(earlier, recursive: true);
            }
        }
        SharpenerTrainer trainer;
        try
        {
            var data = SharpenerData.Open(options.Data, options.Images);
            var negatives = options.Negatives is null ? null : SharpenerData.ReadNegatives(options.Negatives);
            var validationPrompts = options.ValidationPrompts is null ? null : SharpenerData.ReadValidationPrompts(options.ValidationPrompts);
            trainer = new SharpenerTrainer(new SharpenerTrainingOptions
            {
                TeacherFolder = options.Teacher,
                Data = data,
                NegativePrompts = negatives,
                Run = new TrainingRunOptions
                {
                    Steps = options.Steps,
                    CheckpointFolder = checkpoints,
                    CheckpointInterval = options.CheckpointEvery,
                    Resume = options.Resume,
                    LossLogPath = Path.Combine(checkpoints, "loss.jsonl"),
                },
                BatchSize = options.Batch,
                GradientAccumulation = options.GradAccum,
                GuidanceScale = options.Guidance,
                LearningRate = options.LearningRate,
                InverseSnrWeightCap = options.SnrCap,
                Seed = options.Seed,
                InnerDim = options.InnerDim,
                Heads = options.Heads,
                ImageSize = options.ImageSize,
                VaeLatents = vaeLatents,
                ValidationPrompts = validationPrompts,
                ValidationSteps = options.ValidationSteps,
                ValidationSeed = options.ValidationSeed,
                Device = device,
                TeacherPrecision = teacherPrecision,
            });
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidDataException or InvalidOperationException
                                      or CheckpointMismatchException or SafetensorsFormatException or UnauthorizedAccessException)
        {
            throw new DiceUsageException(e.Message, e);
        }

        using (trainer)
        {
            var createdHere = !Directory.Exists(checkpoints);
            Directory.CreateDirectory(checkpoints);
            TrainingRunResult result = null!;
            try
            {
                ProgressConsole.Run("training", task =>
                {
                    task.MaxValue = options.Steps;
                    result = trainer.Train(new InlineProgress<TrainingProgress>(p =>
                    {
                        task.Value = p.Step;
                        task.Description = string.Create(CultureInfo.InvariantCulture, $"training (loss {p.Loss:G4})");
                    }));
                    task.Value = task.MaxValue;
                });
            }
            catch (Exception e) when (e is ImageFormatException or FileNotFoundException or DirectoryNotFoundException)
            {
                // Images are read as batches are drawn: a broken one stops the run at that step. A run that saved no
                // checkpoint leaves nothing to resume, so the folder it created goes, and the same command runs again.
                if (createdHere && new TrainingCheckpoint(checkpoints).Latest() is null)
                {
                    Directory.Delete(checkpoints, recursive: true);
                    throw new DiceUsageException(
                        $"{OneLine(e.Message)}; replace or remove that image from the training data, then run the same command again", e);
                }
                throw new DiceUsageException(
                    $"{OneLine(e.Message)}; replace or remove that image from the training data, then run again with --resume to continue from the last checkpoint", e);
            }
            trainer.SaveSharpener(options.Output, result.FinalStep);
            var final = result.Losses.Count > 0
                ? string.Create(CultureInfo.InvariantCulture, $"final loss {result.Losses[^1].Loss:G6} at step {result.FinalStep}")
                : string.Create(CultureInfo.InvariantCulture, $"already trained to step {result.FinalStep}");
            output.WriteLine(final);
            output.WriteLine($"wrote {Path.GetFullPath(options.Output)} (sharpener.safetensors, config.json); checkpoints in {checkpoints}");
            if (trainer.Validation is not null && result.Losses.Count > 0)
            {
                output.WriteLine($"validation grids (unguided | CFG | DICE) in {Path.Combine(checkpoints, SharpenerValidation.FolderName)}");
            }
        }
        return ExitCodes.Ok;
    }

    private static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
