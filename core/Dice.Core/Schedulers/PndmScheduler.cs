namespace Dice.Core.Schedulers;

/// <summary>
/// PLMS, the pseudo linear multistep part of PNDM (Liu et al., "Pseudo Numerical Methods for Diffusion Models on
/// Manifolds", 2022), configured as diffusers' <c>PNDMScheduler</c> with <c>skip_prk_steps</c> true, as Stable
/// Diffusion 1.x model folders configure it. The Runge–Kutta warm-up (skip_prk_steps false) is not implemented.
/// </summary>
/// <remarks>
/// Every step applies the PNDM transfer x_prev = sqrt(ᾱ_prev / ᾱ_t)·x − (ᾱ_prev − ᾱ_t)·e / (ᾱ_t·sqrt(1 − ᾱ_prev) +
/// sqrt(ᾱ_t·(1 − ᾱ_t)·ᾱ_prev)) (equal to deterministic DDIM for a given e) with prev = t − num_train_timesteps / steps,
/// and ᾱ below timestep 0 equal to 1 with set_alpha_to_one, else ᾱ_0. The noise estimate e combines the model outputs
/// ε_k of the calls so far. As in diffusers, n steps make n + 1 model calls: the first step is taken with ε₀, then
/// redone from the same latents at the next call (at the next timestep, which therefore appears twice in
/// <see cref="Timesteps"/>) with (ε₀ + ε₁) / 2, a second-order start; after that e = (3ε_k − ε_{k−1}) / 2,
/// (23ε_k − 16ε_{k−1} + 5ε_{k−2}) / 12 and finally (55ε_k − 59ε_{k−1} + 37ε_{k−2} − 9ε_{k−3}) / 24 (Adams–Bashforth
/// of orders 2, 3 and 4). The call that redoes the first step does not join the history. v prediction converts the
/// combined output with e = sqrt(ᾱ_t)·v + sqrt(1 − ᾱ_t)·x; sample prediction is rejected, as diffusers does.
/// Defaults (diffusers): num_train_timesteps 1000, beta_start 0.0001, beta_end 0.02, beta_schedule linear,
/// prediction_type epsilon, timestep_spacing leading, steps_offset 0, set_alpha_to_one false.
/// </remarks>
public sealed class PndmScheduler : INoiseScheduler
{
    private readonly TrainingNoiseSchedule schedule;
    private float[] timesteps = [];
    private int stepRatio;
    private int inferenceSteps;

    // The last four model outputs that joined the history (history[0] the newest), the latents the first step
    // started from, and the combined estimate.
    private readonly float[][] history = [[], [], [], []];
    private int historyCount;
    private float[] firstSample = [];
    private float[] estimate = [];
    private int stepsTaken;
    private int lastStepIndex = -1;

    public PndmScheduler(SchedulerConfig? config = null)
    {
        config ??= SchedulerConfig.Empty;
        schedule = new TrainingNoiseSchedule(config, TimestepSpacing.Leading, "PNDM");
        if (schedule.PredictionType == PredictionType.Sample)
        {
            throw schedule.NotSupported("prediction_type", "'sample'");
        }
        SetAlphaToOne = config.SetAlphaToOne ?? false;
        FinalAlphaCumprod = SetAlphaToOne ? 1.0 : schedule.AlphasCumprod[0];
    }

    /// <inheritdoc />
    public string Name => SchedulerFactory.Pndm;

    /// <inheritdoc />
    public int NumTrainTimesteps => schedule.NumTrainTimesteps;

    /// <inheritdoc />
    public PredictionType PredictionType => schedule.PredictionType;

    /// <inheritdoc />
    public TimestepSpacing TimestepSpacing => schedule.TimestepSpacing;

    /// <summary>steps_offset, added to leading timesteps.</summary>
    public int StepsOffset => schedule.StepsOffset;

    /// <summary>set_alpha_to_one: whether the step past timestep 0 lands on ᾱ = 1 (else on ᾱ_0; diffusers' PNDM default false).</summary>
    public bool SetAlphaToOne { get; }

    /// <summary>ᾱ below timestep 0.</summary>
    public double FinalAlphaCumprod { get; }

    /// <summary>The number of model calls: one more than the steps asked for (the first step is taken twice).</summary>
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
        // The ascending grid of diffusers' _timesteps.
        var ascending = TimestepGrid.DescendingIntegerTimesteps(TimestepSpacing, train, steps, StepsOffset);
        Array.Reverse(ascending);

        // skip_prk_steps: concatenate(_timesteps[:-1], _timesteps[-2:-1], _timesteps[-1:])[::-1] — the
        // second-largest timestep appears twice (with one step, the single timestep once).
        var plms = new List<int>(ascending.Length + 1);
        plms.AddRange(ascending[..^1]);
        if (ascending.Length >= 2)
        {
            plms.Add(ascending[^2]);
        }
        plms.Add(ascending[^1]);
        plms.Reverse();
        timesteps = plms.Select(t => (float)t).ToArray();
        stepRatio = train / steps;
        inferenceSteps = steps;
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
        if (lastStepIndex >= 0 && stepIndex != lastStepIndex + 1)
        {
            throw new InvalidOperationException(
                $"step {stepIndex} cannot follow step {lastStepIndex}: PNDM runs its steps in order (call Reset to start over)");
        }
        if (estimate.Length != sample.Length)
        {
            if (stepsTaken > 0)
            {
                throw new ArgumentException(
                    $"the sample has {sample.Length} values but the previous steps had {estimate.Length}", nameof(sample));
            }
            for (int k = 0; k < history.Length; k++)
            {
                history[k] = new float[sample.Length];
            }
            firstSample = new float[sample.Length];
            estimate = new float[sample.Length];
        }

        int t = (int)timesteps[stepIndex];
        int previous = t - stepRatio;
        bool redo = stepsTaken == 1 && inferenceSteps > 1;
        if (redo)
        {
            // Redo the first step from its latents with the mean of both outputs: from t + ratio down to t.
            previous = t;
            t += stepRatio;
            LatentMath.Combine(estimate, 0.5f, modelOutput, 0.5f, history[0]);
            firstSample.CopyTo(sample);
        }
        else
        {
            // The new output joins the history (newest first; the oldest of four drops out).
            var oldest = history[^1];
            for (int k = history.Length - 1; k > 0; k--)
            {
                history[k] = history[k - 1];
            }
            history[0] = oldest;
            modelOutput.CopyTo(history[0]);
            historyCount = Math.Min(historyCount + 1, history.Length);
            switch (historyCount)
            {
                case 1:
                    history[0].CopyTo(estimate);
                    sample.CopyTo(firstSample);
                    break;
                case 2:
                    LatentMath.Combine(estimate, 1.5f, history[0], -0.5f, history[1]);
                    break;
                case 3:
                    LatentMath.Combine(estimate, 23f / 12f, history[0], -16f / 12f, history[1], 5f / 12f, history[2]);
                    break;
                default:
                    LatentMath.Combine(estimate, 55f / 24f, history[0], -59f / 24f, history[1], 37f / 24f, history[2]);
                    LatentMath.Combine(estimate, 1f, estimate, -9f / 24f, history[3]);
                    break;
            }
        }

        double alphaT = schedule.AlphasCumprod[t];
        double alphaPrevious = previous >= 0 ? schedule.AlphasCumprod[previous] : FinalAlphaCumprod;
        double sampleCoefficient = Math.Sqrt(alphaPrevious / alphaT);
        double denominator = alphaT * Math.Sqrt(1.0 - alphaPrevious) + Math.Sqrt(alphaT * (1.0 - alphaT) * alphaPrevious);
        double outputCoefficient = -(alphaPrevious - alphaT) / denominator;
        if (PredictionType == PredictionType.VPrediction)
        {
            // e = sqrt(ᾱ_t)·v + sqrt(1 − ᾱ_t)·x, folded into the coefficients.
            LatentMath.Combine(sample,
                (float)(sampleCoefficient + outputCoefficient * Math.Sqrt(1.0 - alphaT)), sample,
                (float)(outputCoefficient * Math.Sqrt(alphaT)), estimate);
        }
        else
        {
            LatentMath.Combine(sample, (float)sampleCoefficient, sample, (float)outputCoefficient, estimate);
        }
        stepsTaken++;
        lastStepIndex = stepIndex;
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
        historyCount = 0;
        stepsTaken = 0;
        lastStepIndex = -1;
    }
}
