using Dice.Core;
using System.Globalization;
using CommandLine;
using Dice.Runtime;
using Dice.Trainer.Teacher;
using Dice.Trainer.Training;

namespace Dice.Cli.Commands;

[Verb("tune", HelpText = "Continue training a dice-mini teacher (text encoder + UNet of a diffusers weights folder, in place) with new settings: caption noise, the inverse-SNR loss weight.")]
public sealed class TuneOptions
{
    [Option("weights", Required = true, HelpText = "The teacher's diffusers weights folder (text_encoder/, unet/, vae/, tokenizer/); its text encoder and UNet are replaced.")]
    public string Weights { get; set; } = "";

    [Option("steps", Default = 1000L, HelpText = "Optimizer updates.")]
    public long Steps { get; set; }

    [Option("batch", Default = 32, HelpText = "Scenes per update.")]
    public int Batch { get; set; }

    [Option("lr", Default = 5e-4, HelpText = "AdamW learning rate (constant; a fresh optimizer).")]
    public double LearningRate { get; set; }

    [Option("caption-noise", Default = 0.0, HelpText = "Chance that a training caption mis-states any one attribute (0 to 1).")]
    public double CaptionNoise { get; set; }

    [Option("snr-cap", Default = 1.0, HelpText = "Cap of the inverse-SNR weight on the epsilon loss (≥ 1; 1: plain MSE).")]
    public double SnrCap { get; set; }

    [Option("seed", Default = 0UL, HelpText = "Seed of the caption dropout, noise, timesteps and caption noise.")]
    public ulong Seed { get; set; }

    [Option("loss-log", HelpText = "Append each step's loss to this file (JSON lines).")]
    public string? LossLog { get; set; }

    [Option("device", Default = "cpu", HelpText = "cpu or cuda (cuda:N).")]
    public string Device { get; set; } = "cpu";

    [Option("force", HelpText = "Replace an existing --loss-log.")]
    public bool Force { get; set; }
}

/// <summary>`dice tune`: <see cref="TeacherFineTuning"/> with a progress bar.</summary>
public static class TuneCommand
{
    public static int Run(TuneOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        if (!Directory.Exists(options.Weights))
        {
            throw new DiceUsageException($"weights folder {Path.GetFullPath(options.Weights)} does not exist: give a diffusers weights folder (e.g. onnx-models/dice-mini/weights)");
        }
        if (options.Steps < 1 || options.Batch < 1)
        {
            throw new DiceUsageException($"--steps and --batch must be at least 1 (got {options.Steps}, {options.Batch})");
        }
        TrainingOptionChecks.LearningRate("--lr", options.LearningRate);
        TrainingOptionChecks.CaptionNoise("--caption-noise", options.CaptionNoise);
        TrainingOptionChecks.SnrCap("--snr-cap", options.SnrCap);
        // The weights are tuned in place (that is the verb's purpose); a loss log is replaced only with --force.
        using var weightsClaim = RunOutput.Claim("--weights", options.Weights, isFolder: true, force: true);
        using var logClaim = options.LossLog is null ? null : RunOutput.Claim("--loss-log", options.LossLog, isFolder: false, options.Force);
        var tuning = new TeacherFineTuneOptions
        {
            WeightsFolder = options.Weights,
            Steps = options.Steps,
            BatchSize = options.Batch,
            LearningRate = options.LearningRate,
            CaptionNoise = options.CaptionNoise,
            InverseSnrWeightCap = options.SnrCap,
            Seed = options.Seed,
            LossLogPath = options.LossLog,
            Device = TrainingDevice.Parse(options.Device),
        };
        TrainingRunResult result = null!;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            ProgressConsole.Run("tuning", task =>
            {
                task.MaxValue = options.Steps;
                result = TeacherFineTuning.Run(tuning, new InlineProgress<TrainingProgress>(p =>
                {
                    task.Value = p.Step;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"tuning (loss {p.Loss:G4})");
                }));
                task.Value = task.MaxValue;
            });
        }
        catch (InvalidDataException e)
        {
            throw new DiceUsageException($"{options.Weights}: {e.Message}");
        }
        var last = result.Losses.Count > 0 ? result.Losses[^1].Loss : double.NaN;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"tuned {Path.GetFullPath(options.Weights)}: {options.Steps} steps in {clock.Elapsed.TotalSeconds:F1} s, last loss {last:G4}"));
        return ExitCodes.Ok;
    }
}
