using Dice.Evaluation.Classification;
using Dice.Core;
using Dice.Runtime;
using Dice.Runtime.Pipelines;

namespace Dice.Evaluation;

/// <summary>Progress of an evaluation: the method being sampled and images done of the prompt set.</summary>
public readonly record struct EvaluationProgress(string Method, int Images, int Total);

/// <summary>
/// `dice eval`: the paper's Table 1 on one model — unguided, CFG at w, naive scaling at its best s and DICE at
/// alpha over one prompt set with shared seeds — plus optional strength sweeps.
/// </summary>
public static class QualityEvaluation
{
    public static EvaluationReport Run(StableDiffusionPipeline pipeline, OnnxAttributeClassifier? classifier, PromptSet prompts,
        QualityEvaluationOptions options, IReadOnlyList<double>? alphaSweep = null, IReadOnlyList<double>? guidanceSweep = null,
        IProgress<EvaluationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        if ((alphaSweep?.Count ?? 0) > 0 && !pipeline.HasDice)
        {
            throw new ArgumentException(
                $"an alpha sweep needs text_encoder_dice in {pipeline.Folder.Root}: train a sharpener with `dice train` and fuse it with `dice export`");
        }
        var evaluator = new QualityEvaluator(pipeline, classifier, prompts, options);
        var sharpenerParameters = QualityEvaluator.SharpenerParameters(pipeline.Folder.Root);

        GeneratedSet Sample(EvaluationMethod method) => evaluator.Generate(method,
            new InlineProgress<int>(n => progress?.Report(new EvaluationProgress(method.Name, n, prompts.Count))), cancellationToken);

        var cfg = Sample(EvaluationMethod.Cfg(options.Guidance));
        MethodScore Evaluate(EvaluationMethod method)
        {
            var set = method == cfg.Method ? cfg : Sample(method);
            long? parameters = method.Kind switch
            {
                GuidanceMethod.Dice => sharpenerParameters,
                GuidanceMethod.NaiveScaling => 1,
                _ => 0,
            };
            return evaluator.Score(set, cfg, parameters);
        }

        var unguided = Evaluate(EvaluationMethod.Unguided);
        var cfgRow = Evaluate(cfg.Method);
        var grid = options.Scales.Select(s => Evaluate(EvaluationMethod.NaiveScaling(s))).ToList();
        var rows = new List<MethodScore> { unguided, cfgRow };
        if (grid.Count > 0)
        {
            rows.Add(BestScaling(grid));
        }
        if (pipeline.HasDice)
        {
            rows.Add(Evaluate(EvaluationMethod.Dice(options.Alpha)));
        }
        return new EvaluationReport
        {
            Model = pipeline.Folder.Root,
            PromptSource = prompts.Source,
            PromptCount = prompts.Count,
            Options = options,
            Rows = rows,
            ScalingGrid = grid,
            AlphaSweep = (alphaSweep ?? []).Select(a => Evaluate(EvaluationMethod.Dice(a))).ToList(),
            GuidanceSweep = (guidanceSweep ?? []).Select(w => Evaluate(EvaluationMethod.Cfg(w))).ToList(),
            RealImageAccuracy = evaluator.RealImageAccuracy,
            Note = evaluator.MissingMetricsNote,
        };
    }

    /// <summary>The best s: highest attribute accuracy where measured, else the closest to CFG.</summary>
    internal static MethodScore BestScaling(IReadOnlyList<MethodScore> grid) =>
        grid.All(g => g.Accuracy is not null)
            ? grid.MaxBy(g => g.Accuracy!.Mean)!
            : grid.MinBy(g => g.CfgFidelity)!;
}
