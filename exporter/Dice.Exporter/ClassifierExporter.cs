using System.Globalization;
using Dice.Models.Classifier;

namespace Dice.Exporter;

/// <summary>Exports the attribute classifier: image float [batch, C, S, S] in [−1, 1] → logits [batch, ΣK] and features [batch, hidden_dim].</summary>
public static class ClassifierExporter
{
    public const string ComponentName = "attribute_classifier";

    public const string InputName = "image";

    public const string OutputName = "logits";

    /// <summary>The hidden features the heads read, [batch, hidden_dim].</summary>
    public const string FeaturesName = "features";

    /// <summary>Metadata key of the heads: "name:size" in output order, comma-separated ("count:2,background:8,...").</summary>
    public const string HeadsKey = "dice.heads";

    /// <param name="path">The model file to write.</param>
    /// <param name="config">The classifier's config (written as "dice.config").</param>
    /// <param name="weights">Its parameters.</param>
    /// <param name="options">Precision, external data; metadata the caller gives is kept beside "dice.heads".</param>
    public static OnnxExportResult Export(string path, AttributeClassifierConfig config, IWeightSource weights, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        options ??= new OnnxExportOptions();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (options.Metadata is { } extra)
        {
            foreach (var (key, value) in extra)
            {
                metadata[key] = value;
            }
        }
        metadata[HeadsKey] = DescribeHeads(config);
        var size = config.ImageSize;
        return OnnxModelExporter.Export(path,
            [OnnxTensorSpec.Float(InputName, "batch", config.InChannels, size, size)],
            [OnnxTensorSpec.Float(OutputName, "batch", config.LogitCount), OnnxTensorSpec.Float(FeaturesName, "batch", config.HiddenDim)],
            (ops, x) =>
            {
                var (features, logits) = new AttributeClassifier<OnnxValue>(ops, config).ForwardWithFeatures(x[0]);
                return [logits, features];
            },
            weights,
            options with
            {
                ComponentName = options.ComponentName ?? ComponentName,
                ConfigJson = options.ConfigJson ?? config.ToJson(),
                Metadata = metadata,
            });
    }

    /// <summary>"count:2,background:8,..." — the value of <see cref="HeadsKey"/>.</summary>
    public static string DescribeHeads(AttributeClassifierConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return string.Join(',', config.HeadNames.Zip(config.HeadSizes,
            (name, classes) => string.Create(CultureInfo.InvariantCulture, $"{name}:{classes}")));
    }
}
