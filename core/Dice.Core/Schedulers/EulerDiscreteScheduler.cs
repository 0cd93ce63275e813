namespace Dice.Core.Schedulers;

/// <summary>
/// The Euler sampler of Karras et al. ("Elucidating the Design Space of Diffusion-Based Generative Models", 2022,
/// Algorithm 2 without churn), configured as diffusers' <c>EulerDiscreteScheduler</c> is by default: noise levels
/// σ_t = sqrt((1 − ᾱ_t) / ᾱ_t) linearly interpolated at the (possibly fractional) timesteps, a last step to σ = 0,
/// s_churn 0 (deterministic).
/// </summary>
/// <remarks>
/// The latents live at scale σ (x = x₀ + σ·ε): the UNet's input is divided by sqrt(σ² + 1), the initial noise is
/// multiplied by <see cref="InitNoiseSigma"/>, and a step is x ← x + (σ_next − σ)·(x − x₀) / σ, which for epsilon
/// prediction (x₀ = x − σ·ε) is x ← x + (σ_next − σ)·ε; v prediction uses x₀ = x / (σ² + 1) − v·σ / sqrt(σ² + 1).
/// InitNoiseSigma is max σ for linspace and trailing spacing and sqrt(max σ² + 1) for leading spacing, as in diffusers.
/// Defaults (diffusers): num_train_timesteps 1000, beta_start 0.0001, beta_end 0.02, beta_schedule linear,
/// prediction_type epsilon, interpolation_type linear, timestep_spacing linspace, steps_offset 0,
/// final_sigmas_type zero. With use_karras_sigmas the σ of the steps are those of Karras et al. (2022, equation 5,
/// ρ = 7) from the first spaced timestep's σ down to the last's, and each timestep is the fractional training timestep
/// of its σ (interpolated in ln σ), as in diffusers.
/// </remarks>
public sealed class EulerDiscreteScheduler : INoiseScheduler
{
    private readonly TrainingNoiseSchedule schedule;
    private float[] timesteps = [];
    private double[] sigmas = [];

    public EulerDiscreteScheduler(SchedulerConfig? config = null)
    {
        config ??= SchedulerConfig.Empty;
        schedule = new TrainingNoiseSchedule(config, TimestepSpacing.Linspace, "Euler discrete");
        switch (config.InterpolationType)
        {
            case null or "linear":
                break;
            case "log_linear":
                throw schedule.NotSupported("interpolation_type", "'log_linear'");
            default:
                throw schedule.Invalid("interpolation_type",
                    $"is '{config.InterpolationType}', which Dice does not know (expected one of: linear, log_linear)");
        }
        switch (config.TimestepType)
        {
            case null or "discrete":
                break;
            case "continuous":
                throw schedule.NotSupported("timestep_type", "'continuous'");
            default:
                throw schedule.Invalid("timestep_type",
                    $"is '{config.TimestepType}', which Dice does not know (expected one of: discrete, continuous)");
        }
        UseKarrasSigmas = config.UseKarrasSigmas ?? false;
        schedule.Unsupported(config.UseExponentialSigmas, "use_exponential_sigmas", "true");
        schedule.Unsupported(config.UseBetaSigmas, "use_beta_sigmas", "true");
        FinalSigmasType = config.FinalSigmasType ?? FinalSigmasType.Zero;
    }

    /// <inheritdoc />
    public string Name => UseKarrasSigmas ? SchedulerFactory.EulerKarras : SchedulerFactory.Euler;

    /// <summary>use_karras_sigmas: the noise levels of Karras et al. (2022) between the first and last step's σ.</summary>
    public bool UseKarrasSigmas { get; }

    /// <inheritdoc />
    public int NumTrainTimesteps => schedule.NumTrainTimesteps;

    /// <inheritdoc />
    public PredictionType PredictionType => schedule.PredictionType;

    /// <inheritdoc />
    public TimestepSpacing TimestepSpacing => schedule.TimestepSpacing;

    /// <summary>steps_offset, added to leading timesteps.</summary>
    public int StepsOffset => schedule.StepsOffset;

    public FinalSigmasType FinalSigmasType { get; }

    /// <inheritdoc />
    public int StepCount => timesteps.Length;

    /// <inheritdoc />
    public ReadOnlySpan<float> Timesteps => timesteps;

    /// <summary>σ of each step and, last, the σ the final step lands on (StepCount + 1 values).</summary>
    public ReadOnlySpan<double> Sigmas => sigmas;

    /// <summary>ᾱ of each training timestep.</summary>
    public ReadOnlySpan<double> AlphasCumprod => schedule.AlphasCumprod;

    /// <inheritdoc />
    public float InitNoiseSigma
    {
        get
        {
            if (sigmas.Length == 0)
            {
                throw new InvalidOperationException("SetTimesteps must be called before InitNoiseSigma is read");
            }
            double max = sigmas.Max();
            return (float)(TimestepSpacing == TimestepSpacing.Leading ? Math.Sqrt(max * max + 1.0) : max);
        }
    }

    /// <inheritdoc />
    public void SetTimesteps(int steps)
    {
        (timesteps, sigmas) = ComputeSchedule(schedule, steps, UseKarrasSigmas, FinalSigmasType);
        Reset();
    }

    /// <summary>
    /// The timesteps and σ (plus the final σ) of diffusers' Euler schedulers for <paramref name="steps"/> steps;
    /// Euler ancestral shares them.
    /// </summary>
    internal static (float[] Timesteps, double[] Sigmas) ComputeSchedule(
        TrainingNoiseSchedule schedule, int steps, bool karras, FinalSigmasType finalSigmas)
    {
        SchedulerGuards.CheckStepCount(steps, schedule.NumTrainTimesteps);
        int train = schedule.NumTrainTimesteps;
        double[] values;
        switch (schedule.TimestepSpacing)
        {
            case TimestepSpacing.Linspace:
                // np.linspace(0, train - 1, steps, dtype=float32)[::-1]
                var grid = TimestepGrid.Linspace(0, train - 1, steps);
                values = new double[steps];
                for (int i = 0; i < steps; i++)
                {
                    values[i] = grid[steps - 1 - i];
                }
                break;
            case TimestepSpacing.Leading:
                // (np.arange(0, steps) * (train // steps)).round()[::-1] + steps_offset
                int ratio = train / steps;
                values = new double[steps];
                for (int i = 0; i < steps; i++)
                {
                    values[i] = (double)(steps - 1 - i) * ratio + schedule.StepsOffset;
                }
                break;
            case TimestepSpacing.Trailing:
                // np.arange(train, 0, -train / steps).round() - 1
                values = TimestepGrid.Arange(train, 0, -(double)train / steps)
                    .Select(v => TimestepGrid.Round(v) - 1)
                    .ToArray();
                break;
            default:
                throw new InvalidOperationException($"unknown timestep spacing {schedule.TimestepSpacing}");
        }

        // diffusers rounds the timesteps to float32 before interpolating σ at them.
        var stepTimesteps = values.Select(v => (float)v).ToArray();
        var stepSigmas = schedule.SigmasAt(stepTimesteps, finalSigmas);
        if (karras)
        {
            // Karras noise levels from the first step's σ down to the last's; each timestep is the fractional
            // training timestep of its σ, interpolated in ln σ (not rounded).
            var levels = TrainingNoiseSchedule.KarrasSigmas(stepSigmas[steps - 1], stepSigmas[0], steps);
            for (int i = 0; i < steps; i++)
            {
                stepSigmas[i] = levels[i];
                stepTimesteps[i] = (float)schedule.TimestepOfSigma(levels[i]);
            }
        }
        return (stepTimesteps, stepSigmas);
    }

    /// <inheritdoc />
    public float ModelInputScale(int stepIndex)
    {
        SchedulerGuards.CheckStepIndex(stepIndex, StepCount);
        double sigma = sigmas[stepIndex];
        return (float)(1.0 / Math.Sqrt(sigma * sigma + 1.0));
    }

    /// <inheritdoc />
    public void ScaleModelInput(Span<float> modelInput, int stepIndex) => LatentMath.Scale(modelInput, ModelInputScale(stepIndex));

    /// <inheritdoc />
    public void Step(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample)
    {
        SchedulerGuards.CheckStepIndex(stepIndex, StepCount);
        SchedulerGuards.CheckSameLength(modelOutput.Length, sample.Length, "the model output", "the sample");
        double sigma = sigmas[stepIndex];
        double dt = sigmas[stepIndex + 1] - sigma;

        // x ← x + dt·(x − x₀) / σ, with x₀ = cx·x + cm·output, is x ← (1 + k·(1 − cx))·x − k·cm·output, k = dt / σ.
        switch (PredictionType)
        {
            case PredictionType.Epsilon:
                // x₀ = x − σ·ε: the derivative is ε itself.
                LatentMath.Combine(sample, 1f, sample, (float)dt, modelOutput);
                break;
            case PredictionType.VPrediction:
            {
                double k = dt / sigma;
                double cx = 1.0 / (sigma * sigma + 1.0);
                double cm = -sigma / Math.Sqrt(sigma * sigma + 1.0);
                LatentMath.Combine(sample, (float)(1.0 + k * (1.0 - cx)), sample, (float)(-k * cm), modelOutput);
                break;
            }
            case PredictionType.Sample:
            {
                double k = dt / sigma;
                LatentMath.Combine(sample, (float)(1.0 + k), sample, (float)-k, modelOutput);
                break;
            }
            default:
                throw new InvalidOperationException($"unknown prediction type {PredictionType}");
        }
    }

    /// <inheritdoc />
    public void AddNoise(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int stepIndex, Span<float> destination)
    {
        SchedulerGuards.CheckStepIndex(stepIndex, StepCount);
        SchedulerGuards.CheckSameLength(original.Length, noise.Length, "the original", "the noise");
        SchedulerGuards.CheckSameLength(original.Length, destination.Length, "the original", "the destination");
        LatentMath.Combine(destination, 1f, original, (float)sigmas[stepIndex], noise);
    }

    /// <inheritdoc />
    public void Reset()
    {
        // Euler keeps no history: every step depends on its own index only.
    }
}
