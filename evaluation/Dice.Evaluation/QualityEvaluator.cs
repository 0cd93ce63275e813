using Dice.Evaluation.Classification;
using Dice.Evaluation.Metrics;
using Dice.Core.Images;
using Dice.Runtime.Pipelines;
using Microsoft.ML.OnnxRuntime;

namespace Dice.Evaluation;

/// <summary>
/// Samples a prompt set under several methods with shared seeds and scores each: attribute accuracy and a Fréchet
/// distance on the attribute classifier's features (when the model ships a classifier and the prompts know their
/// scenes), fidelity to the CFG image of the same seed, and wall time.
/// </summary>
public sealed class QualityEvaluator
{
    private readonly StableDiffusionPipeline pipeline;
    private readonly OnnxAttributeClassifier? classifier;
    private readonly PromptSet prompts;
    private readonly QualityEvaluationOptions options;
    private readonly FeatureStatistics? realStatistics;

    /// <param name="classifier">The attribute classifier, or null (accuracy and the Fréchet distance are then left out).</param>
    public QualityEvaluator(StableDiffusionPipeline pipeline, OnnxAttributeClassifier? classifier, PromptSet prompts, QualityEvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.pipeline = pipeline;
        this.classifier = classifier;
        this.prompts = prompts;
        this.options = options;
        if (classifier is not null && prompts.RenderRealImages(classifier.ImageSize) is { } real)
        {
            var predictions = classifier.Classify(real);
            realStatistics = FeatureStatistics.Fit(predictions.Features);
            RealImageAccuracy = AttributeAccuracy.Score(predictions.Labels, prompts.Scenes!);
        }
    }

    /// <summary>
    /// The classifier's accuracy on the real (rendered) images of the prompt set's scenes: how far the judge itself
    /// can be trusted; null without a classifier or scenes.
    /// </summary>
    public AttributeAccuracy? RealImageAccuracy { get; }

    /// <summary>Why accuracy or the Fréchet distance are missing, or null when both are there.</summary>
    public string? MissingMetricsNote => classifier is null
        ? "no attribute classifier in the model folder (classifier/model.onnx): attribute accuracy and the Fréchet distance are left out"
        : prompts.Scenes is null
            ? "the prompts are plain text without scenes: attribute accuracy and the Fréchet distance are left out"
            : null;

    /// <summary>Generates the prompt set under <paramref name="method"/> (chunk k of the prompts from seed Seed + k).</summary>
    public GeneratedSet Generate(EvaluationMethod method, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        var images = new List<RgbImage>(prompts.Count);
        var wall = TimeSpan.Zero;
        for (int start = 0, chunk = 0; start < prompts.Count; start += options.Batch, chunk++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = prompts.Prompts.Skip(start).Take(options.Batch).ToList();
            var request = method.ToRequest(batch, options.Steps, options.Scheduler, options.Seed + (ulong)chunk);
            var result = pipeline.Generate(request, cancellationToken: cancellationToken);
            images.AddRange(result.Images);
            wall += result.Total;
            progress?.Report(images.Count);
        }
        return new GeneratedSet(method, images, wall);
    }

    /// <summary>Scores <paramref name="set"/> against the CFG reference images <paramref name="cfg"/> of the same seeds.</summary>
    public MethodScore Score(GeneratedSet set, GeneratedSet cfg, long? trainableParameters)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(cfg);
        AttributeAccuracy? accuracy = null;
        double? frechet = null;
        if (classifier is not null && prompts.Scenes is { } scenes)
        {
            var predictions = classifier.Classify(set.Images);
            accuracy = AttributeAccuracy.Score(predictions.Labels, scenes);
            if (realStatistics is not null)
            {
                frechet = FrechetDistance.Compute(FeatureStatistics.Fit(predictions.Features), realStatistics);
            }
        }
        return new MethodScore(set.Method, set.Method.Nfe(options.Steps), trainableParameters, accuracy, frechet,
            PixelRmse.Mean(set.Images, cfg.Images), set.SecondsPerImage);
    }

    /// <summary>The sharpener's trainable parameters, from sharpener/model.onnx's metadata (null if it has none).</summary>
    public static long? SharpenerParameters(string modelFolder)
    {
        var path = Path.Combine(modelFolder, "sharpener", "model.onnx");
        if (!File.Exists(path))
        {
            return null;
        }
        Dice.Runtime.OnnxExternalData.Check(path);
        using var session = new InferenceSession(path);
        return session.ModelMetadata.CustomMetadataMap.TryGetValue("dice.parameter_count", out var text) && long.TryParse(text, out var n)
            ? n
            : null;
    }
}
