namespace Dice.Core.Schedulers;

/// <summary>The strings diffusers writes in scheduler configurations for Dice's enumerations.</summary>
internal static class SchedulerNames
{
    public static BetaSchedule? ParseBetaSchedule(string text) => text switch
    {
        "linear" => BetaSchedule.Linear,
        "scaled_linear" => BetaSchedule.ScaledLinear,
        "squaredcos_cap_v2" => BetaSchedule.SquaredCosCapV2,
        _ => null,
    };

    public static PredictionType? ParsePredictionType(string text) => text switch
    {
        "epsilon" => PredictionType.Epsilon,
        "v_prediction" => PredictionType.VPrediction,
        "sample" => PredictionType.Sample,
        _ => null,
    };

    public static TimestepSpacing? ParseTimestepSpacing(string text) => text switch
    {
        "linspace" => TimestepSpacing.Linspace,
        "leading" => TimestepSpacing.Leading,
        "trailing" => TimestepSpacing.Trailing,
        _ => null,
    };

    public static FinalSigmasType? ParseFinalSigmasType(string text) => text switch
    {
        "zero" => FinalSigmasType.Zero,
        "sigma_min" => FinalSigmasType.SigmaMin,
        _ => null,
    };

    /// <summary>diffusers' DPMSolverMultistepScheduler reads DEIS's logrho and UniPC's bh1 / bh2 as midpoint.</summary>
    public static DpmSolverType? ParseSolverType(string text) => text switch
    {
        "midpoint" or "logrho" or "bh1" or "bh2" => DpmSolverType.Midpoint,
        "heun" => DpmSolverType.Heun,
        _ => null,
    };

    /// <summary>The values a key accepts, for error messages.</summary>
    public static IReadOnlyList<string> Allowed(string key) => key switch
    {
        "beta_schedule" => ["linear", "scaled_linear", "squaredcos_cap_v2"],
        "prediction_type" => ["epsilon", "v_prediction", "sample"],
        "timestep_spacing" => ["linspace", "leading", "trailing"],
        "final_sigmas_type" => ["zero", "sigma_min"],
        "solver_type" => ["midpoint", "heun", "logrho", "bh1", "bh2"],
        _ => [],
    };

    public static string ToConfigString(TimestepSpacing spacing) => spacing switch
    {
        TimestepSpacing.Linspace => "linspace",
        TimestepSpacing.Leading => "leading",
        TimestepSpacing.Trailing => "trailing",
        _ => throw new ArgumentOutOfRangeException(nameof(spacing), spacing, null),
    };
}
