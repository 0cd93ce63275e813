using System.Globalization;
using Dice.Runtime.Pipelines;

namespace Dice.Evaluation;

/// <summary>One way of sampling: a <see cref="GuidanceMethod"/> at a strength (w, s or alpha; unused when unguided).</summary>
public sealed record EvaluationMethod(GuidanceMethod Kind, double Strength = 1.0)
{
    public static EvaluationMethod Unguided { get; } = new(GuidanceMethod.Unguided);

    public static EvaluationMethod Cfg(double guidance) => new(GuidanceMethod.Cfg, guidance);

    public static EvaluationMethod NaiveScaling(double scale) => new(GuidanceMethod.NaiveScaling, scale);

    public static EvaluationMethod Dice(double alpha) => new(GuidanceMethod.Dice, alpha);

    /// <summary>"unguided", "CFG w=5", "naive scaling s=1.5", "DICE alpha=1".</summary>
    public string Name => Kind switch
    {
        GuidanceMethod.Cfg => Format($"CFG w={Strength:0.###}"),
        GuidanceMethod.NaiveScaling => Format($"naive scaling s={Strength:0.###}"),
        GuidanceMethod.Dice => Format($"DICE alpha={Strength:0.###}"),
        _ => "unguided",
    };

    /// <summary>UNet evaluations per image over <paramref name="steps"/> steps (the paper's NFE).</summary>
    public int Nfe(int steps) => Kind == GuidanceMethod.Cfg ? 2 * steps : steps;

    /// <summary>The runtime request for <paramref name="prompts"/> under this method.</summary>
    public GenerationRequest ToRequest(IReadOnlyList<string> prompts, int steps, string scheduler, ulong seed) => new()
    {
        Prompts = prompts,
        Mode = Kind switch
        {
            GuidanceMethod.Cfg => GenerationMode.Cfg,
            GuidanceMethod.Dice => GenerationMode.Dice,
            _ => GenerationMode.Unguided,
        },
        GuidanceScale = Kind == GuidanceMethod.Cfg ? Strength : 1.0,
        Alpha = Kind == GuidanceMethod.Dice ? Strength : 1.0,
        EmbeddingScale = Kind == GuidanceMethod.NaiveScaling ? Strength : 1.0,
        Steps = steps,
        Scheduler = scheduler,
        Seed = seed,
    };

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
