using System.Globalization;
using Dice.Core.Schedulers;

namespace Dice.Trainer.Teacher;

/// <summary>
/// The DDPM forward process the teacher is trained with, ᾱ_t = Π (1 − β): <see cref="FromSchedulerConfig"/> reads it
/// from the teacher's scheduler config; the constructor gives a scaled_linear one, by default SD1.5's (0.00085 to
/// 0.012 over 1000 steps), so the runtime's SD1.5 schedulers sample from it unchanged. Betas are computed as
/// diffusers does, in float32 (e.g. linspace(√β_start, √β_end, N)²), and their cumulative product in float32.
/// </summary>
public sealed class DiffusionNoiseSchedule
{
    public DiffusionNoiseSchedule(int trainTimesteps = 1000, double betaStart = 0.00085, double betaEnd = 0.012)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainTimesteps, 2);
        if (betaStart <= 0 || betaEnd >= 1 || betaEnd < betaStart)
        {
            throw new ArgumentException($"invalid beta range {betaStart} … {betaEnd}");
        }
        TrainTimesteps = trainTimesteps;
        BetaStart = betaStart;
        BetaEnd = betaEnd;
        AlphasCumprod = Cumprod(Spaced(Math.Sqrt(betaStart), Math.Sqrt(betaEnd), trainTimesteps).Select(r => r * r).ToArray());
    }

    private DiffusionNoiseSchedule(int trainTimesteps, double betaStart, double betaEnd, BetaSchedule betaSchedule,
        PredictionType predictionType, float[] betas)
    {
        TrainTimesteps = trainTimesteps;
        BetaStart = betaStart;
        BetaEnd = betaEnd;
        BetaSchedule = betaSchedule;
        PredictionType = predictionType;
        AlphasCumprod = Cumprod(betas);
    }

    /// <summary>
    /// The forward process a teacher's scheduler/scheduler_config.json describes, as diffusers' DDPMScheduler reads it
    /// (the reference trains with one): num_train_timesteps (default 1000), beta_schedule (linear, the default;
    /// scaled_linear; squaredcos_cap_v2, each beta capped at 0.999) from beta_start to beta_end (defaults 0.0001 and
    /// 0.02), or trained_betas; and prediction_type (epsilon by default, or v_prediction, or sample).
    /// </summary>
    /// <exception cref="InvalidDataException">A setting the trainer cannot use (the message names it, the file and why).</exception>
    public static DiffusionNoiseSchedule FromSchedulerConfig(SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        InvalidDataException Refuse(string problem) => new($"{config.Source}: {problem}");
        if (config.RescaleBetasZeroSnr == true)
        {
            throw Refuse("rescale_betas_zero_snr is true, which the sharpener trainer's forward process does not implement; use a teacher trained without it");
        }
        var steps = config.NumTrainTimesteps ?? 1000;
        if (steps < 2)
        {
            throw Refuse($"num_train_timesteps is {steps}; training needs at least 2");
        }
        var start = config.BetaStart ?? 0.0001;
        var end = config.BetaEnd ?? 0.02;
        var schedule = config.BetaSchedule ?? BetaSchedule.Linear;
        float[] betas;
        if (config.TrainedBetas is { } trained)
        {
            if (trained.Count != steps)
            {
                throw Refuse($"trained_betas lists {trained.Count} betas but num_train_timesteps is {steps}");
            }
            betas = trained.Select(b => (float)b).ToArray();
        }
        else
        {
            if (schedule != BetaSchedule.SquaredCosCapV2 && !(start > 0 && end < 1 && start <= end))
            {
                throw Refuse($"beta_start {start} and beta_end {end} must satisfy 0 < beta_start ≤ beta_end < 1");
            }
            betas = schedule switch
            {
                BetaSchedule.Linear => Spaced(start, end, steps),
                BetaSchedule.ScaledLinear => Spaced(Math.Sqrt(start), Math.Sqrt(end), steps).Select(r => r * r).ToArray(),
                _ => Cosine(steps),
            };
        }
        if (betas.Any(b => !(b >= 0 && b < 1)))
        {
            throw Refuse("every beta must lie in [0, 1)");
        }
        return new DiffusionNoiseSchedule(steps, start, end, schedule, config.PredictionType ?? PredictionType.Epsilon, betas);
    }

    /// <summary>How the betas are laid out (diffusers' beta_schedule).</summary>
    public BetaSchedule BetaSchedule { get; } = BetaSchedule.ScaledLinear;

    /// <summary>What the teacher predicts; the CFG target and the student are in that parameterisation.</summary>
    public PredictionType PredictionType { get; } = PredictionType.Epsilon;

    /// <summary>For messages and checkpoints, e.g. "scaled_linear 0.00085 → 0.012, 1000 steps, epsilon".</summary>
    public string Description => string.Create(CultureInfo.InvariantCulture,
        $"{BetaScheduleName} {BetaStart:R} → {BetaEnd:R}, {TrainTimesteps} steps, {PredictionTypeName}");

    /// <summary>The beta_schedule value of the config ("linear", "scaled_linear", "squaredcos_cap_v2").</summary>
    public string BetaScheduleName => BetaSchedule switch
    {
        BetaSchedule.Linear => "linear",
        BetaSchedule.ScaledLinear => "scaled_linear",
        _ => "squaredcos_cap_v2",
    };

    /// <summary>The prediction_type value of the config ("epsilon", "v_prediction", "sample").</summary>
    public string PredictionTypeName => PredictionType switch
    {
        PredictionType.Epsilon => "epsilon",
        PredictionType.VPrediction => "v_prediction",
        _ => "sample",
    };

    // torch.linspace in float32: the step in float32, the last value exactly the end.
    private static float[] Spaced(double start, double end, int count)
    {
        var lo = (float)start;
        var hi = (float)end;
        var step = (hi - lo) / (count - 1);
        return Enumerable.Range(0, count).Select(t => t == count - 1 ? hi : lo + (step * t)).ToArray();
    }

    // Nichol and Dhariwal's ᾱ(t) = cos²((t + 0.008) / 1.008 · π/2), β_i = min(1 − ᾱ((i + 1)/N) / ᾱ(i/N), 0.999).
    private static float[] Cosine(int count)
    {
        static double AlphaBar(double t) => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2);
        return Enumerable.Range(0, count)
            .Select(i => (float)Math.Min(1 - (AlphaBar((i + 1.0) / count) / AlphaBar((double)i / count)), 0.999))
            .ToArray();
    }

    private static float[] Cumprod(float[] betas)
    {
        var alphasCumprod = new float[betas.Length];
        var product = 1f;
        for (var t = 0; t < betas.Length; t++)
        {
            product *= 1f - betas[t];
            alphasCumprod[t] = product;
        }
        return alphasCumprod;
    }

    /// <summary>SD1.5's: 1000 steps, scaled_linear 0.00085 → 0.012.</summary>
    public static DiffusionNoiseSchedule StableDiffusion15 { get; } = new();

    public int TrainTimesteps { get; }

    public double BetaStart { get; }

    public double BetaEnd { get; }

    /// <summary>ᾱ_t for t = 0 … N − 1.</summary>
    public IReadOnlyList<float> AlphasCumprod { get; }

    /// <summary>√ᾱ_t, the weight of x0 in x_t.</summary>
    public float[] SignalScales() => AlphasCumprod.Select(a => MathF.Sqrt(a)).ToArray();

    /// <summary>√(1 − ᾱ_t), the weight of the noise in x_t.</summary>
    public float[] NoiseScales() => AlphasCumprod.Select(a => MathF.Sqrt(1 - a)).ToArray();

    /// <summary>
    /// Per-timestep weights of the epsilon loss: min(max(1/SNR_t, 1), <paramref name="cap"/>) with
    /// SNR_t = ᾱ_t / (1 − ᾱ_t). Weight 1 wherever SNR ≥ 1; below that, up to <paramref name="cap"/>. In x0 terms the
    /// epsilon loss is SNR·‖x0 − x̂0‖², so at high noise, where a scene's layout is decided, it barely trains the
    /// prediction of x0; this restores that signal (the "truncated SNR" weighting, capped). cap = 1 is plain MSE.
    /// </summary>
    public float[] InverseSnrLossWeights(double cap)
    {
        if (!(cap >= 1) || double.IsPositiveInfinity(cap))
        {
            throw new ArgumentOutOfRangeException(nameof(cap), cap, "the weight cap must be a finite number ≥ 1 (1: plain epsilon MSE)");
        }
        return AlphasCumprod.Select(a => (float)Math.Clamp((1.0 - a) / a, 1.0, cap)).ToArray();
    }
}
