using Dice.Core.IO;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dice.Data;
using Dice.Data.Tokenization;
using Dice.Models.Classifier;
using Dice.Models.StableDiffusion;
using Dice.Core;
using Dice.Trainer.Classifier;
using Dice.Trainer.Teacher;
using Dice.Trainer.Training;

namespace Dice.Trainer.Recipes;

/// <summary>
/// The ONNX half of <see cref="DiceMiniRecipe"/>, which Dice.Trainer (libtorch) does not reference: Dice.Exporter's
/// StableDiffusionConverter and ClassifierExporter behind two calls.
/// </summary>
public interface IDiceMiniExporter
{
    /// <summary>Converts the diffusers folder <paramref name="weightsFolder"/> into the ONNX model folder <paramref name="output"/> (which does not exist yet).</summary>
    void ConvertStableDiffusion(string weightsFolder, string output);

    /// <summary>Exports the classifier whose weights <see cref="AttributeClassifierTrainer.Save"/> wrote to <paramref name="weightsFile"/> as <paramref name="onnxPath"/>.</summary>
    void ExportClassifier(string weightsFile, AttributeClassifierConfig config, string onnxPath);
}

/// <summary>Where the recipe is: stage <see cref="Index"/> (0-based) of <see cref="Count"/>, and how far into it.</summary>
public readonly record struct DiceMiniProgress(string Stage, int Index, int Count, double StageFraction, string? Detail = null)
{
    /// <summary>Overall fraction, each stage counting the same.</summary>
    public double Fraction => Math.Clamp((Index + Math.Clamp(StageFraction, 0, 1)) / Count, 0, 1);
}

/// <summary>What a run produced.</summary>
public sealed record DiceMiniResult(string Output, double ScalingFactor, IReadOnlyDictionary<string, double> StageSeconds);

/// <summary>
/// Re-creates the dice-mini model folder from scratch: tokenizer → VAE → scaling factor → text encoder + UNet →
/// attribute classifier → diffusers weights folder → ONNX folder. Everything is built in a staging folder beside
/// <c>output</c> and renamed into place at the end, so <c>output</c> is either the old folder or the complete new one.
/// The result holds the ONNX layout (text_encoder/, unet/, vae_decoder/, vae_encoder/, tokenizer/, scheduler/,
/// model_index.json), weights/ (diffusers layout), classifier/model.onnx and recipe.json (settings and stage times).
/// </summary>
public static class DiceMiniRecipe
{
    public const string RecipeFile = "recipe.json";
    public const string WeightsFolder = "weights";
    public const string ClassifierFolder = "classifier";
    public const string ClassifierModel = "model.onnx";

    /// <summary>The stages, in order, as progress names them.</summary>
    public static IReadOnlyList<string> Stages { get; } =
        ["tokenizer", "vae", "scaling_factor", "teacher", "classifier", "weights", "onnx"];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static DiceMiniResult Run(DiceMiniRecipeOptions options, string output, IDiceMiniExporter exporter, bool overwrite = false,
        IProgress<DiceMiniProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(output);
        ArgumentNullException.ThrowIfNull(exporter);
        options.Validate();
        var destination = Path.TrimEndingDirectorySeparator(Path.GetFullPath(output));
        if ((Directory.Exists(destination) || File.Exists(destination)) && !overwrite)
        {
            throw new IOException($"{destination} already exists: choose another folder or allow replacing it");
        }
        var parent = Path.GetDirectoryName(destination) ?? ".";
        Directory.CreateDirectory(parent);
        var name = Path.GetFileName(destination);
        // Both recognisable as leftovers (AtomicFile.TempPath) to the next run on the same output.
        var scratch = AtomicFile.TempPath(destination);
        var staging = AtomicFile.TempPath(destination);
        var times = new Dictionary<string, double>(StringComparer.Ordinal);
        try
        {
            Directory.CreateDirectory(scratch);
            var weights = Path.Combine(scratch, WeightsFolder);
            var run = new StageRunner(progress, times, cancellationToken);
            var result = Build(options, weights, scratch, staging, exporter, run, cancellationToken);
            Directory.Move(weights, Path.Combine(staging, WeightsFolder));
            WriteRecipe(Path.Combine(staging, RecipeFile), options, result, times);
            Replace(staging, destination);
            return new DiceMiniResult(destination, result.ScalingFactor, times);
        }
        finally
        {
            DeleteQuietly(scratch);
            DeleteQuietly(staging);
        }
    }

    private sealed record Built(double ScalingFactor, int VocabSize, double VaeLoss, double TeacherLoss, double ClassifierLoss);

    private static Built Build(DiceMiniRecipeOptions options, string weights, string scratch, string staging, IDiceMiniExporter exporter,
        StageRunner run, CancellationToken cancellationToken)
    {
        // 1. Tokenizer, learned on the training split's captions.
        var tokenizerFolder = Path.Combine(weights, StableDiffusionSource.TokenizerFolder);
        var learned = run.Stage("tokenizer", _ =>
        {
            var captions = DiceMiniSplits.Train(options.ImageSize).DescribeRange(options.TokenizerCaptions).Select(s => s.Caption);
            var bpe = BpeTrainer.Learn(captions, options.VocabSize, cancellationToken: cancellationToken);
            BpeTokenizerFiles.Write(tokenizerFolder, bpe, new BpeTokenizerFileOptions { ModelMaxLength = options.ModelMaxLength });
            return bpe;
        });
        var textEncoder = options.TextEncoder with
        {
            VocabSize = learned.Vocabulary.Count,
            BosTokenId = learned.StartOfTextId,
            EosTokenId = learned.EndOfTextId,
            PadTokenId = learned.EndOfTextId,
            MaxPositionEmbeddings = options.ModelMaxLength,
        };

        // 2. VAE.
        using var vae = new VaeTrainer(new VaeTrainingOptions
        {
            Model = options.Vae,
            Run = new TrainingRunOptions { Steps = options.VaeSteps },
            BatchSize = options.VaeBatchSize,
            LearningRate = options.VaeLearningRate,
            Seed = options.Seed,
            ImageSize = options.ImageSize,
            Device = options.Device,
        });
        var vaeResult = run.Stage("vae", report => vae.Train(Progress(report), cancellationToken));

        // 3. scaling_factor: 1 / std of the posterior means.
        using var frozen = new FrozenVae(vae.Model, vae.Ops);
        var scalingFactor = run.Stage("scaling_factor", _ => ScalingFactorEstimator.Estimate(frozen,
            new SceneBatchSource(DiceMiniSplits.TrainSeed, options.ImageSize), options.ScalingBatchSize, options.ScalingBatches));
        var vaeConfig = options.Vae with { ScalingFactor = scalingFactor, SampleSize = options.ImageSize };

        // 4. Text encoder + UNet against the frozen VAE.
        using var teacher = new TextToImageTrainer(new TextToImageTrainingOptions
        {
            TextEncoder = textEncoder,
            Unet = options.Unet,
            TokenizerFolder = tokenizerFolder,
            Run = new TrainingRunOptions { Steps = options.TeacherSteps },
            BatchSize = options.TeacherBatchSize,
            LearningRate = options.TeacherLearningRate,
            CaptionNoise = options.TeacherCaptionNoise,
            InverseSnrWeightCap = options.TeacherInverseSnrWeightCap,
            ScalingFactor = scalingFactor,
            Seed = options.Seed,
            ImageSize = options.ImageSize,
            Device = options.Device,
        }, frozen);
        var teacherResult = run.Stage("teacher", report => teacher.Train(Progress(report), cancellationToken));

        // 5. Attribute classifier.
        var classifierWeights = Path.Combine(scratch, "classifier.safetensors");
        using var classifier = new AttributeClassifierTrainer(new AttributeClassifierTrainingOptions
        {
            Steps = options.ClassifierSteps,
            BatchSize = options.ClassifierBatchSize,
            Seed = options.Seed,
        }, options.Classifier);
        var classifierLosses = run.Stage("classifier", report =>
        {
            var losses = classifier.Train(new InlineProgress<(int Step, double Loss)>(p =>
                report((double)p.Step / Math.Max(1, options.ClassifierSteps))), cancellationToken);
            classifier.Save(classifierWeights);
            return losses;
        });

        // 6. The diffusers weights folder.
        run.Stage("weights", _ =>
        {
            WriteComponent(weights, StableDiffusionSource.TextEncoderFolder, "model.safetensors", teacher.TextEncoderOps, textEncoder.ToJson());
            WriteComponent(weights, StableDiffusionSource.UnetFolder, "diffusion_pytorch_model.safetensors", teacher.UnetOps, options.Unet.ToJson());
            WriteComponent(weights, StableDiffusionSource.VaeFolder, "diffusion_pytorch_model.safetensors", vae.Ops, vaeConfig.ToJson());
            var scheduler = Path.Combine(weights, StableDiffusionSource.SchedulerFolder);
            Directory.CreateDirectory(scheduler);
            File.WriteAllText(Path.Combine(scheduler, StableDiffusionSource.SchedulerConfigFile), StableDiffusionSource.Sd15SchedulerConfig);
            return 0;
        });

        // 7. ONNX: the model folder, then the classifier inside it.
        run.Stage("onnx", report =>
        {
            exporter.ConvertStableDiffusion(weights, staging);
            report(0.8);
            var folder = Path.Combine(staging, ClassifierFolder);
            Directory.CreateDirectory(folder);
            exporter.ExportClassifier(classifierWeights, options.Classifier, Path.Combine(folder, ClassifierModel));
            return 0;
        });

        return new Built(scalingFactor, learned.Vocabulary.Count, Last(vaeResult), Last(teacherResult),
            classifierLosses.Count > 0 ? classifierLosses[^1] : double.NaN);
    }

    private static double Last(TrainingRunResult result) => result.Losses.Count > 0 ? result.Losses[^1].Loss : double.NaN;

    private static InlineProgress<TrainingProgress> Progress(Action<double> report) => new(p => report(p.Fraction));

    private static void WriteComponent(string weights, string folder, string file, TorchOps ops, string configJson)
    {
        var path = Path.Combine(weights, folder);
        Directory.CreateDirectory(path);
        ops.Save(Path.Combine(path, file), new Dictionary<string, string>(StringComparer.Ordinal) { ["format"] = "pt" });
        File.WriteAllText(Path.Combine(path, "config.json"), configJson);
    }

    private static void WriteRecipe(string path, DiceMiniRecipeOptions options, Built built, IReadOnlyDictionary<string, double> times)
    {
        var stageSeconds = new JsonObject();
        foreach (var stage in Stages)
        {
            if (times.TryGetValue(stage, out var s))
            {
                stageSeconds[stage] = Math.Round(s, 3);
            }
        }
        var json = new JsonObject
        {
            ["recipe"] = "dice-mini",
            ["scale"] = options.Scale,
            ["seed"] = options.Seed,
            ["train_seed"] = DiceMiniSplits.TrainSeed,
            ["image_size"] = options.ImageSize,
            ["tokenizer"] = new JsonObject
            {
                ["captions"] = options.TokenizerCaptions,
                ["requested_vocab_size"] = options.VocabSize,
                ["vocab_size"] = built.VocabSize,
                ["model_max_length"] = options.ModelMaxLength,
            },
            ["vae"] = new JsonObject
            {
                ["config"] = JsonNode.Parse(options.Vae.ToJson()),
                ["steps"] = options.VaeSteps,
                ["batch_size"] = options.VaeBatchSize,
                ["learning_rate"] = options.VaeLearningRate,
                ["final_loss"] = Finite(built.VaeLoss),
            },
            ["scaling_factor"] = new JsonObject
            {
                ["value"] = built.ScalingFactor,
                ["batches"] = options.ScalingBatches,
                ["batch_size"] = options.ScalingBatchSize,
            },
            ["teacher"] = new JsonObject
            {
                ["text_encoder"] = JsonNode.Parse(options.TextEncoder.ToJson()),
                ["unet"] = JsonNode.Parse(options.Unet.ToJson()),
                ["steps"] = options.TeacherSteps,
                ["batch_size"] = options.TeacherBatchSize,
                ["learning_rate"] = options.TeacherLearningRate,
                ["caption_noise"] = options.TeacherCaptionNoise,
                ["inverse_snr_weight_cap"] = options.TeacherInverseSnrWeightCap,
                ["final_loss"] = Finite(built.TeacherLoss),
            },
            ["classifier"] = new JsonObject
            {
                ["config"] = JsonNode.Parse(options.Classifier.ToJson()),
                ["steps"] = options.ClassifierSteps,
                ["batch_size"] = options.ClassifierBatchSize,
                ["final_loss"] = Finite(built.ClassifierLoss),
            },
            ["device"] = options.Device is { } device ? device.ToString() : "cpu",
            ["stage_seconds"] = stageSeconds,
            ["total_seconds"] = Math.Round(times.Values.Sum(), 3),
        };
        File.WriteAllText(path, json.ToJsonString(Indented) + "\n");
    }

    private static JsonNode? Finite(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    /// <summary>Moves <paramref name="staging"/> to <paramref name="destination"/>, replacing what is there (set aside first, deleted after).</summary>
    private static void Replace(string staging, string destination)
    {
        string? old = null;
        if (Directory.Exists(destination) || File.Exists(destination))
        {
            old = AtomicFile.TempPath(destination);
            if (Directory.Exists(destination))
            {
                Directory.Move(destination, old);
            }
            else
            {
                File.Move(destination, old);
            }
        }
        try
        {
            Directory.Move(staging, destination);
        }
        catch
        {
            if (old is not null)
            {
                if (Directory.Exists(old))
                {
                    Directory.Move(old, destination);
                }
                else
                {
                    File.Move(old, destination);
                }
            }
            throw;
        }
        if (old is not null)
        {
            DeleteQuietly(old);
            if (File.Exists(old))
            {
                File.Delete(old);
            }
        }
    }

    private static void DeleteQuietly(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover hidden folder beside the output is harmless; the run's own error (if any) matters more.
        }
    }

    /// <summary>Runs stages in order, timing each and reporting progress.</summary>
    private sealed class StageRunner(IProgress<DiceMiniProgress>? progress, Dictionary<string, double> times, CancellationToken cancellationToken)
    {
        public T Stage<T>(string name, Func<Action<double>, T> work)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var index = DiceMiniRecipe.Stages.ToList().IndexOf(name);
            Debug.Assert(index >= 0, $"unknown stage {name}");
            var count = DiceMiniRecipe.Stages.Count;
            progress?.Report(new DiceMiniProgress(name, index, count, 0));
            var clock = Stopwatch.StartNew();
            var result = work(f => progress?.Report(new DiceMiniProgress(name, index, count, f)));
            times[name] = clock.Elapsed.TotalSeconds;
            progress?.Report(new DiceMiniProgress(name, index, count, 1,
                string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:F1} s")));
            return result;
        }
    }
}
