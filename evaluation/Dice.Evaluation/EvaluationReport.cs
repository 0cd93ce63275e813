using Dice.Evaluation.Metrics;

namespace Dice.Evaluation;

/// <summary>What `dice eval` measured: the table's rows and everything needed to rerun it.</summary>
public sealed record EvaluationReport
{
    public required string Model { get; init; }

    public required string PromptSource { get; init; }

    public required int PromptCount { get; init; }

    public required QualityEvaluationOptions Options { get; init; }

    /// <summary>unguided, CFG, naive scaling (best s), DICE (when the model has it).</summary>
    public required IReadOnlyList<MethodScore> Rows { get; init; }

    /// <summary>Every s of the naive-scaling grid.</summary>
    public required IReadOnlyList<MethodScore> ScalingGrid { get; init; }

    /// <summary>Strength sweeps (alpha, guidance), empty unless asked for.</summary>
    public IReadOnlyList<MethodScore> AlphaSweep { get; init; } = [];

    public IReadOnlyList<MethodScore> GuidanceSweep { get; init; } = [];

    /// <summary>The attribute classifier's accuracy on the real images of the same scenes (null without them).</summary>
    public AttributeAccuracy? RealImageAccuracy { get; init; }

    /// <summary>Why a metric is missing, or null.</summary>
    public string? Note { get; init; }

    public MethodScore Row(GuidanceMethod kind) => Rows.First(r => r.Method.Kind == kind);

    /// <summary>
    /// The share of CFG's attribute-accuracy gain over unguided sampling that <paramref name="kind"/> recovers
    /// ((acc − acc_unguided) / (acc_cfg − acc_unguided)), or null without accuracy, the row, or a gain.
    /// </summary>
    public double? GainRecovered(GuidanceMethod kind)
    {
        var row = Rows.FirstOrDefault(r => r.Method.Kind == kind);
        var unguided = Row(GuidanceMethod.Unguided).Accuracy?.Mean;
        var cfg = Row(GuidanceMethod.Cfg).Accuracy?.Mean;
        if (row?.Accuracy is null || unguided is null || cfg is null || cfg.Value - unguided.Value <= 0)
        {
            return null;
        }
        return (row.Accuracy.Mean - unguided.Value) / (cfg.Value - unguided.Value);
    }
}
