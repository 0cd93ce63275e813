using Dice.Data;
using Dice.Models.Classifier;
using Dice.Core.Images;
using TorchSharp;
using static TorchSharp.torch;
using AdamW = Dice.Trainer.Training.AdamW;
using F = TorchSharp.torch.nn.functional;

namespace Dice.Trainer.Classifier;

/// <summary>
/// Trains the attribute classifier on libtorch with images of the synthetic captioned-shapes dataset rendered on the
/// fly (step s renders samples s·B … s·B + B − 1 of the training generator, so every step sees new images). The loss
/// is the sum over heads of the mean cross-entropy, each head's logits narrowed out of the concatenated output; the
/// optimiser is AdamW with linear warm-up and cosine decay. A seed fixes the initial weights and so, with the data
/// seed, every loss.
/// </summary>
public sealed class AttributeClassifierTrainer : IDisposable
{
    private readonly int[] offsets;
    private readonly AdamW optimizer;
    private int stepsTaken;

    /// <param name="options">Steps, batch, learning rate, seeds.</param>
    /// <param name="config">The classifier's size; by default <see cref="DefaultConfig"/> at 32 pixels. Its heads
    /// must be <see cref="AttributeSchema"/>'s.</param>
    public AttributeClassifierTrainer(AttributeClassifierTrainingOptions options, AttributeClassifierConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        config ??= DefaultConfig();
        config.Validate();
        CheckHeads(config);
        Options = options;
        Config = config;
        if (options.Threads > 0)
        {
            set_num_threads(options.Threads);
        }
        Ops = new TorchOps(seed: options.Seed);
        Model = new AttributeClassifier<Tensor>(Ops, config);
        foreach (var (_, parameter) in Ops.NamedParameters)
        {
            parameter.DetachFromDisposeScope();
        }
        optimizer = new AdamW(Ops.Parameters, options.LearningRate, 0.9, 0.999, 1e-8, options.WeightDecay);
        offsets = Enumerable.Range(0, config.HeadSizes.Count).Select(config.HeadOffset).ToArray();
        Generator = new DatasetGenerator(options.DataSeed, config.ImageSize);
    }

    public AttributeClassifierTrainingOptions Options { get; }

    public AttributeClassifierConfig Config { get; }

    /// <summary>The libtorch backend that owns the parameters.</summary>
    public TorchOps Ops { get; }

    public AttributeClassifier<Tensor> Model { get; }

    /// <summary>Where training images come from.</summary>
    public DatasetGenerator Generator { get; }

    /// <summary>The classifier for <see cref="AttributeSchema"/>'s heads with the default widths.</summary>
    public static AttributeClassifierConfig DefaultConfig(int imageSize = SceneRenderer.DefaultImageSize) =>
        AttributeClassifierConfig.ForHeads(
            AttributeSchema.Heads.Select(h => h.Name).ToArray(),
            AttributeSchema.Heads.Select(h => h.ClassCount).ToArray()) with { ImageSize = imageSize };

    /// <summary>
    /// Runs the remaining optimiser steps (all of <see cref="AttributeClassifierTrainingOptions.Steps"/> on a fresh
    /// trainer) and returns the loss of each step run, reporting each as it comes.
    /// </summary>
    public IReadOnlyList<double> Train(IProgress<(int Step, double Loss)>? progress = null, CancellationToken cancellationToken = default)
    {
        var losses = new List<double>(Math.Max(0, Options.Steps - stepsTaken));
        var batch = Options.BatchSize;
        var input = new float[batch * 3 * Config.ImageSize * Config.ImageSize];
        var labels = new long[Config.HeadSizes.Count][];
        for (var h = 0; h < labels.Length; h++)
        {
            labels[h] = new long[batch];
        }
        while (stepsTaken < Options.Steps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var step = stepsTaken;
            Fill(Generator, (long)step * batch, batch, input, labels);
            double loss;
            using (NewDisposeScope())
            {
                var logits = Model.Forward(tensor(input, [batch, 3, Config.ImageSize, Config.ImageSize]));
                Tensor? total = null;
                for (var h = 0; h < offsets.Length; h++)
                {
                    var headLoss = F.cross_entropy(logits.narrow(1, offsets[h], Config.HeadSizes[h]), tensor(labels[h], [batch]));
                    total = total is null ? headLoss : total.Plus(headLoss);
                }
                optimizer.zero_grad();
                total!.backward();
                optimizer.LearningRate = Options.LearningRateAt(step);
                optimizer.step();
                loss = total.ToDouble();
            }
            stepsTaken++;
            losses.Add(loss);
            progress?.Report((step, loss));
        }
        return losses;
    }

    /// <summary>Per-head accuracy on samples 0 … <paramref name="count"/> − 1 of the generator seeded
    /// <paramref name="heldOutSeed"/> (e.g. <see cref="DiceMiniSplits.HeldOutSeed"/>).</summary>
    public AttributeClassifierEvaluation Evaluate(long heldOutSeed, int count, int batchSize = 256)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var generator = new DatasetGenerator(heldOutSeed, Config.ImageSize);
        var heads = Config.HeadSizes.Count;
        var correct = new long[heads];
        long allCorrect = 0;
        var pixels = 3 * Config.ImageSize * Config.ImageSize;
        for (var start = 0; start < count; start += batchSize)
        {
            var batch = Math.Min(batchSize, count - start);
            var input = new float[batch * pixels];
            var labels = Enumerable.Range(0, heads).Select(_ => new long[batch]).ToArray();
            Fill(generator, start, batch, input, labels);
            var predicted = Predict(input, batch);
            for (var b = 0; b < batch; b++)
            {
                var all = true;
                for (var h = 0; h < heads; h++)
                {
                    var right = predicted[b][h] == labels[h][b];
                    correct[h] += right ? 1 : 0;
                    all &= right;
                }
                allCorrect += all ? 1 : 0;
            }
        }
        return new AttributeClassifierEvaluation(Config.HeadNames,
            correct.Select(c => (double)c / count).ToArray(), count, (double)allCorrect / count);
    }

    /// <summary>The argmax class of every head for a batch of images in model layout ([batch, 3, S, S] in [−1, 1]).</summary>
    public int[][] Predict(float[] input, int batch)
    {
        ArgumentNullException.ThrowIfNull(input);
        var heads = Config.HeadSizes.Count;
        var result = new int[batch][];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = Model.Forward(tensor(input, [batch, 3, Config.ImageSize, Config.ImageSize]));
        var columns = new long[heads][];
        for (var h = 0; h < heads; h++)
        {
            columns[h] = logits.narrow(1, offsets[h], Config.HeadSizes[h]).argmax(1).data<long>().ToArray();
        }
        for (var b = 0; b < batch; b++)
        {
            result[b] = new int[heads];
            for (var h = 0; h < heads; h++)
            {
                result[b][h] = (int)columns[h][b];
            }
        }
        return result;
    }

    /// <summary>Writes the weights (safetensors) with the config JSON and the schema version as metadata.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Ops.Save(path, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = "pt",
            ["dice.config"] = Config.ToJson(),
            ["dice.attribute_schema_version"] = AttributeSchema.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    /// <summary>Writes <paramref name="images"/> into <paramref name="destination"/> in model layout: planar RGB,
    /// [batch, 3, S, S], bytes mapped to [−1, 1].</summary>
    public static void ToModelInput(IReadOnlyList<RgbImage> images, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(images);
        var offset = 0;
        foreach (var image in images)
        {
            var plane = image.Width * image.Height;
            if (destination.Length < offset + (3 * plane))
            {
                throw new ArgumentException($"the destination holds {destination.Length} values; {images.Count} images need more", nameof(destination));
            }
            WriteImage(image, destination.Slice(offset, 3 * plane));
            offset += 3 * plane;
        }
    }

    public void Dispose()
    {
        optimizer.Dispose();
        Ops.Dispose();
    }

    private static void WriteImage(RgbImage image, Span<float> destination)
    {
        var plane = image.Width * image.Height;
        var pixels = image.Pixels;
        for (var i = 0; i < plane; i++)
        {
            destination[i] = (pixels[3 * i] / 127.5f) - 1f;
            destination[plane + i] = (pixels[(3 * i) + 1] / 127.5f) - 1f;
            destination[(2 * plane) + i] = (pixels[(3 * i) + 2] / 127.5f) - 1f;
        }
    }

    /// <summary>Renders samples first … first + batch − 1 (in parallel; each is a pure function of its index).</summary>
    private static void Fill(DatasetGenerator generator, long first, int batch, float[] input, long[][] labels)
    {
        var size = generator.Options.ImageSize;
        var pixels = 3 * size * size;
        Parallel.For(0, batch, b =>
        {
            var sample = generator.Generate(first + b);
            WriteImage(sample.Image, input.AsSpan(b * pixels, pixels));
            var encoded = AttributeSchema.Encode(sample.Scene);
            for (var h = 0; h < encoded.Length; h++)
            {
                labels[h][b] = encoded[h];
            }
        });
    }

    private static void CheckHeads(AttributeClassifierConfig config)
    {
        var heads = AttributeSchema.Heads;
        var fits = config.HeadNames.Count == heads.Count
            && Enumerable.Range(0, heads.Count).All(i =>
                string.Equals(config.HeadNames[i], heads[i].Name, StringComparison.Ordinal) && config.HeadSizes[i] == heads[i].ClassCount);
        if (!fits)
        {
            throw new ArgumentException(
                $"the classifier's heads ({string.Join(", ", config.HeadNames)}) are not the attribute schema's ({string.Join(", ", heads.Select(h => h.Name))})",
                nameof(config));
        }
        if (config.InChannels != 3)
        {
            throw new ArgumentException($"the classifier reads RGB images; its config has {config.InChannels} input channels", nameof(config));
        }
    }
}
