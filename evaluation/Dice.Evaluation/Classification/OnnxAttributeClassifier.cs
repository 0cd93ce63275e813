using System.Globalization;
using Dice.Data;
using Dice.Runtime;
using Dice.Core.Images;
using Microsoft.ML.OnnxRuntime;

namespace Dice.Evaluation.Classification;

/// <summary>What the classifier read from a batch of images: one label per head and the hidden features, per image.</summary>
public sealed record AttributePredictions(IReadOnlyList<int[]> Labels, IReadOnlyList<float[]> Features);

/// <summary>
/// dice-mini's attribute classifier (classifier/model.onnx, written by the exporter's ClassifierExporter) on ONNX
/// Runtime: RGB images → the <see cref="AttributeSchema"/> label of every head and the features the heads read.
/// </summary>
public sealed class OnnxAttributeClassifier : IDisposable
{
    public const string InputName = "image";
    public const string LogitsName = "logits";
    public const string FeaturesName = "features";
    public const string HeadsMetadataKey = "dice.heads";

    private readonly InferenceSession session;
    private readonly int[] headSizes;

    public OnnxAttributeClassifier(string modelPath, RuntimeOptions? options = null)
    {
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"no attribute classifier at {modelPath}: dice-mini ships one in classifier/model.onnx", modelPath);
        }
        using var sessionOptions = SessionOptionsFactory.Create(options ?? new RuntimeOptions());
        OnnxExternalData.Check(modelPath);
        session = new InferenceSession(modelPath, sessionOptions);
        try
        {
            if (!session.InputMetadata.TryGetValue(InputName, out var input) || input.Dimensions.Length != 4)
            {
                throw new InvalidDataException($"{modelPath} is not an attribute classifier: it has no 4-d input '{InputName}'");
            }
            if (!session.OutputMetadata.ContainsKey(LogitsName) || !session.OutputMetadata.ContainsKey(FeaturesName))
            {
                throw new InvalidDataException(
                    $"{modelPath} lacks the outputs '{LogitsName}' and '{FeaturesName}': re-export it with this version of Dice");
            }
            ImageSize = input.Dimensions[2];
            headSizes = ReadHeads(session.ModelMetadata.CustomMetadataMap, modelPath);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Side of the square images the classifier takes.</summary>
    public int ImageSize { get; }

    public int HeadCount => headSizes.Length;

    /// <summary>Classifies <paramref name="images"/> (each <see cref="ImageSize"/> square).</summary>
    public AttributePredictions Classify(IReadOnlyList<RgbImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var labels = new List<int[]>(images.Count);
        var features = new List<float[]>(images.Count);
        const int chunk = 256;
        for (var start = 0; start < images.Count; start += chunk)
        {
            var batch = images.Skip(start).Take(chunk).ToList();
            Run(batch, labels, features);
        }
        return new AttributePredictions(labels, features);
    }

    private void Run(IReadOnlyList<RgbImage> batch, List<int[]> labels, List<float[]> features)
    {
        var size = ImageSize;
        var perImage = 3 * size * size;
        var pixels = new float[batch.Count * perImage];
        for (var b = 0; b < batch.Count; b++)
        {
            var image = batch[b];
            if (image.Width != size || image.Height != size)
            {
                throw new ArgumentException(
                    $"image {b} is {image.Width}×{image.Height} but the classifier takes {size}×{size}: generate at the model's own size");
            }
            var chw = image.ToChw();
            for (var i = 0; i < perImage; i++)
            {
                pixels[b * perImage + i] = chw[i] * 2f - 1f;
            }
        }
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, [batch.Count, 3, size, size]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [InputName], [input], [LogitsName, FeaturesName]);
        var logits = outputs[0].GetTensorDataAsSpan<float>();
        var hidden = outputs[1].GetTensorDataAsSpan<float>();
        var logitCount = logits.Length / batch.Count;
        var featureCount = hidden.Length / batch.Count;
        for (var b = 0; b < batch.Count; b++)
        {
            var row = logits.Slice(b * logitCount, logitCount);
            var predicted = new int[headSizes.Length];
            var offset = 0;
            for (var h = 0; h < headSizes.Length; h++)
            {
                predicted[h] = ArgMax(row.Slice(offset, headSizes[h]));
                offset += headSizes[h];
            }
            labels.Add(predicted);
            features.Add(hidden.Slice(b * featureCount, featureCount).ToArray());
        }
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }

    /// <summary>Head sizes from "name:size,..." metadata, checked against <see cref="AttributeSchema"/>.</summary>
    private static int[] ReadHeads(IReadOnlyDictionary<string, string> metadata, string modelPath)
    {
        if (!metadata.TryGetValue(HeadsMetadataKey, out var text) || string.IsNullOrWhiteSpace(text))
        {
            throw new InvalidDataException($"{modelPath} has no '{HeadsMetadataKey}' metadata naming its heads");
        }
        var parts = text.Split(',');
        if (parts.Length != AttributeSchema.HeadCount)
        {
            throw new InvalidDataException(
                $"{modelPath} has {parts.Length} heads but the attribute schema has {AttributeSchema.HeadCount}");
        }
        var sizes = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var pair = parts[i].Split(':');
            var head = AttributeSchema.Heads[i];
            if (pair.Length != 2 || pair[0] != head.Name
                || !int.TryParse(pair[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] != head.ClassCount)
            {
                throw new InvalidDataException(
                    $"{modelPath} head {i} is '{parts[i]}' but the attribute schema expects '{head.Name}:{head.ClassCount}'");
            }
        }
        return sizes;
    }

    public void Dispose() => session.Dispose();
}
