using Dice.Core.Sampling;

namespace Dice.Core.Schedulers;

/// <summary>
/// The ancestral Euler sampler ("Euler a"; Karras et al. 2022's Euler step with the ancestral noise split of
/// k-diffusion), configured as diffusers' <c>EulerAncestralDiscreteScheduler</c>: the timesteps, σ, model-input
/// scaling and initial noise of <see cref="EulerDiscreteScheduler"/>, and a step that goes down past the next noise
/// level and adds fresh noise back up to it.
/// </summary>
/// <remarks>
/// From σ to σ_next: σ_up = sqrt(σ_next²·(σ² − σ_next²) / σ²), σ_down = sqrt(σ_next² − σ_up²), and
/// x ← x + (σ_down − σ)·(x − x₀) / σ + σ_up·z with z fresh standard normal, drawn from the source given to
/// <see cref="UseNoise"/> at every step (σ_up is 0 on the last step, to σ = 0). x₀ = x − σ·ε for epsilon prediction,
/// x₀ = x / (σ² + 1) − v·σ / sqrt(σ² + 1) for v prediction; sample prediction is rejected, as diffusers does.
/// Defaults (diffusers): num_train_timesteps 1000, beta_start 0.0001, beta_end 0.02, beta_schedule linear,
/// prediction_type epsilon, timestep_spacing linspace, steps_offset 0. Keys only other schedulers read
/// (use_karras_sigmas, final_sigmas_type, ...) are ignored, as diffusers' from_config ignores them for this class.
/// </remarks>
public sealed class EulerAncestralDiscreteScheduler : IStochasticScheduler
{
    private readonly TrainingNoiseSchedule schedule;
    private float[] timesteps = [];
    private double[] sigmas = [];
    private float[] stepNoise = [];
    private INoiseSource? noiseSource;

    public EulerAncestralDiscreteScheduler(SchedulerConfig? config = null)
    {
        config ??= SchedulerConfig.Empty;
        schedule = new TrainingNoiseSchedule(config, TimestepSpacing.Linspace, "Euler ancestral");
        if (schedule.PredictionType == PredictionType.Sample)
        {
            throw schedule.NotSupported("prediction_type", "'sample'");
        }
    }

    /// <inheritdoc />
    public string Name => SchedulerFactory.EulerAncestral;

    /// <inheritdoc />
    public bool IsStochastic => true;

    /// <inheritdoc />
    public int NumTrainTimesteps => schedule.NumTrainTimesteps;

    /// <inheritdoc />
    public PredictionType PredictionType => schedule.PredictionType;

    /// <inheritdoc />
    public TimestepSpacing TimestepSpacing => schedule.TimestepSpacing;

    /// <summary>steps_offset, added to leading timesteps.</summary>
    public int StepsOffset => schedule.StepsOffset;

    /// <inheritdoc />
    public int StepCount => timesteps.Length;

    /// <inheritdoc />
    public ReadOnlySpan<float> Timesteps => timesteps;

    /// <summary>σ of each step and, last, 0 (StepCount + 1 values).</summary>
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
    public void UseNoise(INoiseSource noise) => noiseSource = noise ?? throw new ArgumentNullException(nameof(noise));

    /// <inheritdoc />
    public void SetTimesteps(int steps)
    {
        (timesteps, sigmas) = EulerDiscreteScheduler.ComputeSchedule(schedule, steps, karras: false, FinalSigmasType.Zero);
        Reset();
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

    /// <summary>The noise σ_up added and the level σ_down stepped to on the way from step <paramref name="stepIndex"/> to the next.</summary>
    public (double Up, double Down) AncestralSigmas(int stepIndex)
    {
        SchedulerGuards.CheckStepIndex(stepIndex, StepCount);
        double from = sigmas[stepIndex];
        double to = sigmas[stepIndex + 1];
        double up = Math.Sqrt(to * to * (from * from - to * to) / (from * from));
        double down = Math.Sqrt(to * to - up * up);
        return (up, down);
    }

    /// <inheritdoc />
    public void Step(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample)
    {
        SchedulerGuards.CheckStepIndex(stepIndex, StepCount);
        SchedulerGuards.CheckSameLength(modelOutput.Length, sample.Length, "the model output", "the sample");
        if (noiseSource is null)
        {
            throw new InvalidOperationException("Euler ancestral adds noise at each step: call UseNoise first");
        }
        if (stepNoise.Length != sample.Length)
        {
            stepNoise = new float[sample.Length];
        }
        noiseSource.Fill(stepNoise);

        double sigma = sigmas[stepIndex];
        (double up, double down) = AncestralSigmas(stepIndex);
        double dt = down - sigma;

        // x ← x + dt·(x − x₀) / σ, with x₀ = cx·x + cm·output, is x ← (1 + k·(1 − cx))·x − k·cm·output, k = dt / σ.
        double k = dt / sigma;
        (double cx, double cm) = PredictionType switch
        {
            PredictionType.Epsilon => (1.0, -sigma),
            PredictionType.VPrediction => (1.0 / (sigma * sigma + 1.0), -sigma / Math.Sqrt(sigma * sigma + 1.0)),
            _ => throw new InvalidOperationException($"unsupported prediction type {PredictionType}"),
        };
        LatentMath.Combine(sample, (float)(1.0 + k * (1.0 - cx)), sample, (float)(-k * cm), modelOutput, (float)up, stepNoise);
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
        // No history: a step depends on its own index and the noise drawn for it.
    }
}
