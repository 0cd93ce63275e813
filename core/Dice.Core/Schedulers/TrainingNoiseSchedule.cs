using System.Globalization;

namespace Dice.Core.Schedulers;

/// <summary>
/// The settings every scheduler shares, resolved from a <see cref="SchedulerConfig"/> with the defaults diffusers'
/// schedulers share (1000 training timesteps, linear betas 0.0001 → 0.02, epsilon prediction, steps_offset 0) and the
/// target scheduler's own timestep spacing; and the training schedule's cumulative alphas ᾱ_t = Π_{s ≤ t} (1 − β_s),
/// computed in double precision (diffusers computes them in float32).
/// </summary>
internal sealed class TrainingNoiseSchedule
{
    public const int DefaultNumTrainTimesteps = 1000;
    public const double DefaultBetaStart = 0.0001;
    public const double DefaultBetaEnd = 0.02;

    /// <summary>diffusers caps each beta of the cosine schedule at this value.</summary>
    private const double CosineMaxBeta = 0.999;

    public TrainingNoiseSchedule(SchedulerConfig config, TimestepSpacing defaultSpacing, string schedulerName)
    {
        ArgumentNullException.ThrowIfNull(config);
        Source = config.Source;
        SchedulerName = schedulerName;
        Unsupported(config.RescaleBetasZeroSnr, "rescale_betas_zero_snr", "true");

        NumTrainTimesteps = config.NumTrainTimesteps ?? DefaultNumTrainTimesteps;
        if (NumTrainTimesteps < 1)
        {
            throw Invalid("num_train_timesteps", $"is {NumTrainTimesteps}; it must be at least 1");
        }
        BetaStart = config.BetaStart ?? DefaultBetaStart;
        BetaEnd = config.BetaEnd ?? DefaultBetaEnd;
        BetaSchedule = config.BetaSchedule ?? Schedulers.BetaSchedule.Linear;
        PredictionType = config.PredictionType ?? Schedulers.PredictionType.Epsilon;
        TimestepSpacing = config.TimestepSpacing ?? defaultSpacing;
        StepsOffset = config.StepsOffset ?? 0;
        if (StepsOffset < 0)
        {
            throw Invalid("steps_offset", $"is {StepsOffset}; it must not be negative");
        }

        if (config.TrainedBetas is null && BetaSchedule != Schedulers.BetaSchedule.SquaredCosCapV2 && BetaEnd < BetaStart)
        {
            throw Invalid("beta_end", string.Create(CultureInfo.InvariantCulture,
                $"is {BetaEnd}, below beta_start {BetaStart}: the noise must grow over the schedule"));
        }
        Betas = config.TrainedBetas is { } trained ? trained.ToArray() : ComputeBetas();
        if (Betas.Length != NumTrainTimesteps)
        {
            throw Invalid("trained_betas", $"lists {Betas.Length} betas but num_train_timesteps is {NumTrainTimesteps}");
        }
        AlphasCumprod = new double[NumTrainTimesteps];
        double product = 1.0;
        for (int t = 0; t < NumTrainTimesteps; t++)
        {
            double beta = Betas[t];
            if (!(beta >= 0.0 && beta < 1.0))
            {
                throw new InvalidDataException(
                    $"{Source}: every beta must lie in [0, 1), but beta {t} of the {BetaScheduleName()} schedule is {beta}");
            }
            product *= 1.0 - beta;
            AlphasCumprod[t] = product;
        }
    }

    public string Source { get; }

    public string SchedulerName { get; }

    public int NumTrainTimesteps { get; }

    public double BetaStart { get; }

    public double BetaEnd { get; }

    public BetaSchedule BetaSchedule { get; }

    public PredictionType PredictionType { get; }

    public TimestepSpacing TimestepSpacing { get; }

    public int StepsOffset { get; }

    public double[] Betas { get; }

    /// <summary>ᾱ_t for t = 0 … NumTrainTimesteps − 1.</summary>
    public double[] AlphasCumprod { get; }

    /// <summary>The noise level of training timestep t in the variance-exploding form σ_t = sqrt((1 − ᾱ_t) / ᾱ_t).</summary>
    public double Sigma(int t) => Math.Sqrt((1.0 - AlphasCumprod[t]) / AlphasCumprod[t]);

    /// <summary>
    /// σ at each (possibly fractional) timestep, interpolated linearly in the training σ table, plus the final σ
    /// after the last step (0, or the smallest training σ).
    /// </summary>
    public double[] SigmasAt(ReadOnlySpan<float> timesteps, FinalSigmasType final)
    {
        var table = new double[NumTrainTimesteps];
        for (int t = 0; t < table.Length; t++)
        {
            table[t] = Sigma(t);
        }
        var sigmas = new double[timesteps.Length + 1];
        for (int i = 0; i < timesteps.Length; i++)
        {
            sigmas[i] = TimestepGrid.Interp(timesteps[i], table);
        }
        sigmas[^1] = final == FinalSigmasType.SigmaMin ? table[0] : 0.0;
        return sigmas;
    }

    /// <summary>ρ of the Karras et al. (2022) noise levels (their equation 5; the value the paper and diffusers use).</summary>
    public const double KarrasRho = 7.0;

    /// <summary>
    /// The <paramref name="steps"/> noise levels of Karras et al. (2022), equation 5, from <paramref name="sigmaMax"/>
    /// down to <paramref name="sigmaMin"/>: σ_i = (σ_max^(1/ρ) + i / (n − 1)·(σ_min^(1/ρ) − σ_max^(1/ρ)))^ρ, ρ = 7
    /// (with one step, σ_max alone).
    /// </summary>
    public static double[] KarrasSigmas(double sigmaMin, double sigmaMax, int steps)
    {
        var ramp = TimestepGrid.Linspace(0, 1, steps);
        double minRoot = Math.Pow(sigmaMin, 1.0 / KarrasRho);
        double maxRoot = Math.Pow(sigmaMax, 1.0 / KarrasRho);
        var sigmas = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            sigmas[i] = Math.Pow(maxRoot + ramp[i] * (minRoot - maxRoot), KarrasRho);
        }
        return sigmas;
    }

    /// <summary>
    /// The (fractional) training timestep whose noise level is <paramref name="sigma"/>: linear interpolation of the
    /// timestep in ln σ between the two training timesteps around it, clamped to [0, NumTrainTimesteps − 1]; this is
    /// how diffusers maps Karras noise levels back to timesteps.
    /// </summary>
    public double TimestepOfSigma(double sigma)
    {
        int count = NumTrainTimesteps;
        if (count == 1)
        {
            return 0;
        }
        double logSigma = Math.Log(Math.Max(sigma, 1e-10));
        // low: the last training timestep whose ln σ is at most ln σ (0 if none), at most count − 2.
        int low = 0;
        for (int t = 0; t < count; t++)
        {
            if (LogSigma(t) <= logSigma)
            {
                low = t;
            }
        }
        low = Math.Min(low, count - 2);
        double lowLog = LogSigma(low);
        double highLog = LogSigma(low + 1);
        double w = Math.Clamp((lowLog - logSigma) / (lowLog - highLog), 0.0, 1.0);
        return (1 - w) * low + w * (low + 1);
    }

    private double LogSigma(int t) => Math.Log(Sigma(t));

    /// <summary>Throws <see cref="NotSupportedException"/> when a key asks for a diffusers feature Dice does not implement.</summary>
    public void Unsupported(bool? value, string key, string shown)
    {
        if (value == true)
        {
            throw NotSupported(key, shown);
        }
    }

    public NotSupportedException NotSupported(string key, string shown) =>
        new($"{Source}: '{key}' is {shown}, which Dice's {SchedulerName} scheduler does not implement");

    public InvalidDataException Invalid(string key, string message) => new($"{Source}: '{key}' {message}");

    private string BetaScheduleName() => BetaSchedule switch
    {
        BetaSchedule.Linear => "linear",
        BetaSchedule.ScaledLinear => "scaled_linear",
        BetaSchedule.SquaredCosCapV2 => "squaredcos_cap_v2",
        _ => BetaSchedule.ToString(),
    };

    private double[] ComputeBetas()
    {
        int count = NumTrainTimesteps;
        var betas = new double[count];
        switch (BetaSchedule)
        {
            case BetaSchedule.Linear:
                for (int i = 0; i < count; i++)
                {
                    betas[i] = Lerp(BetaStart, BetaEnd, i, count);
                }
                break;
            case BetaSchedule.ScaledLinear:
                double rootStart = Math.Sqrt(BetaStart);
                double rootEnd = Math.Sqrt(BetaEnd);
                for (int i = 0; i < count; i++)
                {
                    double root = Lerp(rootStart, rootEnd, i, count);
                    betas[i] = root * root;
                }
                break;
            case BetaSchedule.SquaredCosCapV2:
                for (int i = 0; i < count; i++)
                {
                    double ratio = CosineAlphaBar((i + 1.0) / count) / CosineAlphaBar((double)i / count);
                    betas[i] = Math.Min(1.0 - ratio, CosineMaxBeta);
                }
                break;
            default:
                throw new InvalidDataException($"{Source}: unknown beta schedule {BetaSchedule}");
        }
        return betas;
    }

    /// <summary>Point i of count evenly spaced points from start to end, both included (torch.linspace).</summary>
    private static double Lerp(double start, double end, int i, int count) =>
        count == 1 ? start : i == count - 1 ? end : start + (end - start) * i / (count - 1);

    /// <summary>ᾱ(t) = cos²((t + 0.008) / 1.008 · π / 2), the cosine schedule of Nichol and Dhariwal.</summary>
    private static double CosineAlphaBar(double t)
    {
        double c = Math.Cos((t + 0.008) / 1.008 * Math.PI / 2.0);
        return c * c;
    }
}
