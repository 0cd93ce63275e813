using Dice.Core.Sampling;

namespace Dice.Core.Schedulers;

/// <summary>
/// DDIM (Song et al., "Denoising Diffusion Implicit Models", 2020, equation 12), configured as diffusers'
/// <c>DDIMScheduler</c> is: x_prev = sqrt(ᾱ_prev)·x₀ + sqrt(1 − ᾱ_prev − σ²)·ε + σ·z with
/// σ = η·sqrt((1 − ᾱ_prev) / (1 − ᾱ_t))·sqrt(1 − ᾱ_t / ᾱ_prev) (their equation 16), x₀ and ε recovered from the
/// model output (epsilon, v or sample prediction), x₀ optionally clipped to ±clip_sample_range, and z fresh standard
/// normal noise from the source given to <see cref="UseNoise"/>. η = 0 (the default) is deterministic and draws no
/// noise; η = 1 is DDPM's ancestral sampling on the same timesteps.
/// </summary>
/// <remarks>
/// As in diffusers, the previous timestep is always t − num_train_timesteps / steps (integer division), whatever
/// the spacing, and below timestep 0 ᾱ_prev is 1 with set_alpha_to_one and ᾱ_0 without. ε is taken from the model
/// output before x₀ is clipped (use_clipped_model_output false).
/// Defaults (diffusers): num_train_timesteps 1000, beta_start 0.0001, beta_end 0.02, beta_schedule linear,
/// prediction_type epsilon, timestep_spacing leading, steps_offset 0, set_alpha_to_one true, clip_sample true
/// (Stable Diffusion's configurations set it to false), clip_sample_range 1.0, thresholding false.
/// </remarks>
public sealed class DdimScheduler : IStochasticScheduler
{
    private readonly TrainingNoiseSchedule schedule;
    private float[] timesteps = [];
    private int stepRatio;
    private float[] stepNoise = [];
    private INoiseSource? noiseSource;

    /// <param name="config">The scheduler configuration (null: diffusers' defaults).</param>
    /// <param name="eta">η, the share of the DDPM posterior noise each step adds (diffusers' pipeline argument eta); 0 to 1.</param>
    public DdimScheduler(SchedulerConfig? config = null, double eta = 0.0)
    {
        if (!(eta >= 0.0 && eta <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(eta), eta, "DDIM's eta must lie between 0 and 1");
        }
        Eta = eta;
        config ??= SchedulerConfig.Empty;
        schedule = new TrainingNoiseSchedule(config, TimestepSpacing.Leading, "DDIM");
        schedule.Unsupported(config.Thresholding, "thresholding", "true");
        SetAlphaToOne = config.SetAlphaToOne ?? true;
        ClipSample = config.ClipSample ?? true;
        ClipSampleRange = config.ClipSampleRange ?? 1.0;
        if (!(ClipSampleRange > 0))
        {
            throw schedule.Invalid("clip_sample_range", $"is {ClipSampleRange}; it must be positive");
        }
        FinalAlphaCumprod = SetAlphaToOne ? 1.0 : schedule.AlphasCumprod[0];
    }

    /// <inheritdoc />
    public string Name => SchedulerFactory.Ddim;

    /// <summary>η: 0 for deterministic DDIM, up to 1 for DDPM-like ancestral steps.</summary>
    public double Eta { get; }

    /// <inheritdoc />
    public bool IsStochastic => Eta > 0.0;

    /// <inheritdoc />
    public void UseNoise(INoiseSource noise) => noiseSource = noise ?? throw new ArgumentNullException(nameof(noise));

    /// <summary>
    /// The standard deviation σ of the noise step <paramref name="stepIndex"/> adds: η·sqrt((1 − ᾱ_prev) / (1 − ᾱ_t)
    /// ·(1 − ᾱ_t / ᾱ_prev)), 0 when η is 0.
    /// </summary>
    public double NoiseStandardDeviation(int stepIndex)
    {
        SchedulerGuards.CheckStepIndex(stepIndex, StepCount);
        (double alphaT, double alphaPrevious) = Alphas(stepIndex);
        return StandardDeviation(alphaT, alphaPrevious);
    }

    private double StandardDeviation(double alphaT, double alphaPrevious)
    {
        if (Eta == 0.0)
        {
            return 0.0;
        }
        double variance = (1.0 - alphaPrevious) / (1.0 - alphaT) * (1.0 - alphaT / alphaPrevious);
        return Eta * Math.Sqrt(Math.Max(variance, 0.0));
    }

    private (double AlphaT, double AlphaPrevious) Alphas(int stepIndex)
    {
        int t = (int)timesteps[stepIndex];
        int previous = t - stepRatio;
        return (schedule.AlphasCumprod[t], previous >= 0 ? schedule.AlphasCumprod[previous] : FinalAlphaCumprod);
    }

    /// <inheritdoc />
    public int NumTrainTimesteps => schedule.NumTrainTimesteps;

    /// <inheritdoc />
    public PredictionType PredictionType => schedule.PredictionType;

    /// <inheritdoc />
    public TimestepSpacing TimestepSpacing => schedule.TimestepSpacing;

    /// <summary>steps_offset, added to leading timesteps.</summary>
    public int StepsOffset => schedule.StepsOffset;

    /// <summary>set_alpha_to_one: whether the step past timestep 0 lands on ᾱ = 1 (else on ᾱ_0).</summary>
    public bool SetAlphaToOne { get; }

    /// <summary>clip_sample: whether x₀ is clipped to ±<see cref="ClipSampleRange"/>.</summary>
    public bool ClipSample { get; }

    public double ClipSampleRange { get; }

    /// <summary>ᾱ below timestep 0.</summary>
    public double FinalAlphaCumprod { get; }

    /// <inheritdoc />
    public int StepCount => timesteps.Length;

    /// <inheritdoc />
    public ReadOnlySpan<float> Timesteps => timesteps;

    /// <summary>ᾱ of each training timestep.</summary>
    public ReadOnlySpan<double> AlphasCumprod => schedule.AlphasCumprod;

    /// <inheritdoc />
    public float InitNoiseSigma => 1f;

    /// <inheritdoc />
    public void SetTimesteps(int steps)
    {
        SchedulerGuards.CheckStepCount(steps, NumTrainTimesteps);
        int train = NumTrainTimesteps;
        var values = TimestepGrid.DescendingIntegerTimesteps(TimestepSpacing, train, steps, StepsOffset);
        timesteps = values.Select(t => (float)t).ToArray();
        stepRatio = train / steps;
        Reset();
    }

    /// <inheritdoc />
    public float ModelInputScale(int stepIndex)
    {
        SchedulerGuards.CheckStepIndex(stepIndex, StepCount);
        return 1f;
    }

    /// <inheritdoc />
    public void ScaleModelInput(Span<float> modelInput, int stepIndex) => SchedulerGuards.CheckStepIndex(stepIndex, StepCount);

    /// <inheritdoc />
    public void Step(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample)
    {
        SchedulerGuards.CheckStepIndex(stepIndex, StepCount);
        SchedulerGuards.CheckSameLength(modelOutput.Length, sample.Length, "the model output", "the sample");
        (double alphaT, double alphaPrevious) = Alphas(stepIndex);
        double deviation = StandardDeviation(alphaT, alphaPrevious);
        if (IsStochastic)
        {
            if (noiseSource is null)
            {
                throw new InvalidOperationException("DDIM with eta > 0 adds noise at each step: call UseNoise first");
            }
            if (stepNoise.Length != sample.Length)
            {
                stepNoise = new float[sample.Length];
            }
            noiseSource.Fill(stepNoise);
        }
        double rootAlphaT = Math.Sqrt(alphaT);
        double rootBetaT = Math.Sqrt(1.0 - alphaT);

        // x₀ = x0x·x + x0m·output and ε = ex·x + em·output.
        (double x0x, double x0m, double ex, double em) = PredictionType switch
        {
            PredictionType.Epsilon => (1.0 / rootAlphaT, -rootBetaT / rootAlphaT, 0.0, 1.0),
            PredictionType.VPrediction => (rootAlphaT, -rootBetaT, rootBetaT, rootAlphaT),
            PredictionType.Sample => (0.0, 1.0, 1.0 / rootBetaT, -rootAlphaT / rootBetaT),
            _ => throw new InvalidOperationException($"unknown prediction type {PredictionType}"),
        };
        double toSample = Math.Sqrt(alphaPrevious);
        double toNoise = Math.Sqrt(Math.Max(1.0 - alphaPrevious - deviation * deviation, 0.0));

        if (!ClipSample)
        {
            LatentMath.Combine(sample,
                (float)(toSample * x0x + toNoise * ex), sample,
                (float)(toSample * x0m + toNoise * em), modelOutput);
            if (IsStochastic)
            {
                LatentMath.Combine(sample, 1f, sample, (float)deviation, stepNoise);
            }
            return;
        }

        float range = (float)ClipSampleRange;
        float fx0x = (float)x0x, fx0m = (float)x0m, fex = (float)ex, fem = (float)em;
        float fToSample = (float)toSample, fToNoise = (float)toNoise;
        for (int i = 0; i < sample.Length; i++)
        {
            float x = sample[i];
            float output = modelOutput[i];
            float x0 = Math.Clamp(fx0x * x + fx0m * output, -range, range);
            float epsilon = fex * x + fem * output;
            sample[i] = fToSample * x0 + fToNoise * epsilon;
        }
        if (IsStochastic)
        {
            LatentMath.Combine(sample, 1f, sample, (float)deviation, stepNoise);
        }
    }

    /// <inheritdoc />
    public void AddNoise(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int stepIndex, Span<float> destination)
    {
        SchedulerGuards.CheckStepIndex(stepIndex, StepCount);
        SchedulerGuards.CheckSameLength(original.Length, noise.Length, "the original", "the noise");
        SchedulerGuards.CheckSameLength(original.Length, destination.Length, "the original", "the destination");
        double alpha = schedule.AlphasCumprod[(int)timesteps[stepIndex]];
        LatentMath.Combine(destination, (float)Math.Sqrt(alpha), original, (float)Math.Sqrt(1.0 - alpha), noise);
    }

    /// <inheritdoc />
    public void Reset()
    {
        // DDIM keeps no history: every step depends on its own index (and, with η > 0, the noise drawn for it).
    }
}
