using Dice.Core.Sampling;

namespace Dice.Core.Schedulers;

/// <summary>
/// DPM-Solver++ multistep (Lu et al., "DPM-Solver++: Fast Solver for Guided Sampling of Diffusion Probabilistic
/// Models", 2022), configured as diffusers' <c>DPMSolverMultistepScheduler</c> is by default: algorithm_type
/// dpmsolver++, solver_order 2 ("2M"), solver_type midpoint, lower_order_final true, final_sigmas_type zero,
/// thresholding off, timestep_spacing linspace. The model output is converted to the data prediction x₀ (from
/// epsilon, v or sample prediction) and the solver keeps the previous step's x₀ for the second-order update.
/// </summary>
/// <remarks>
/// With σ_t = sqrt((1 − ᾱ_t) / ᾱ_t), α_t = 1 / sqrt(σ_t² + 1), s_t = σ_t·α_t and λ_t = −ln σ_t, a step from
/// s (index i) to t (index i + 1) with h = λ_t − λ_s is
/// first order:  x_t = (s_t / s_s)·x_s + α_t·(1 − e^−h)·D0, and
/// second order: the same plus α_t·(1 − e^−h)·D1 / 2 (midpoint) or α_t·((e^−h − 1) / h + 1)·D1 (heun),
/// with D0 = x₀ of this step and D1 = (D0 − x₀ of the previous step) / r, r = (λ_s − λ_previous) / h.
/// The first step taken is first order, and so is the last when final_sigmas_type is zero (it lands on σ = 0,
/// x_t = D0), when euler_at_final is set, or when lower_order_final is set and there are fewer than 15 steps.
/// Defaults (diffusers): num_train_timesteps 1000, beta_start 0.0001, beta_end 0.02, beta_schedule linear,
/// prediction_type epsilon, timestep_spacing linspace, steps_offset 0, solver_order 2, solver_type midpoint,
/// lower_order_final true, euler_at_final false, final_sigmas_type zero, lambda_min_clipped −∞.
/// With use_karras_sigmas the step noise levels are those of Karras et al. (2022, equation 5, ρ = 7) between the
/// smallest and largest training σ, and each step's timestep is the rounded training timestep of its σ (interpolated
/// in ln σ). With algorithm_type sde-dpmsolver++ (DPM-Solver++ 2M SDE, Lu et al. 2022, section 5) a step is
/// x_t = (s_t / s_s)·e^−h·x_s + α_t·(1 − e^−2h)·(D0 + D1 / 2) + s_t·sqrt(1 − e^−2h)·z with fresh standard-normal z
/// (heun: α_t·((1 − e^−2h) / (−2h) + 1)·D1 in place of the D1 / 2 term).
/// </remarks>
public sealed class DpmSolverMultistepScheduler : IStochasticScheduler
{
    /// <summary>diffusers applies lower_order_final only below this many steps.</summary>
    public const int LowerOrderFinalStepLimit = 15;

    private readonly TrainingNoiseSchedule schedule;
    private float[] timesteps = [];
    private double[] sigmas = [];
    private float[]? currentPrediction;
    private float[]? previousPrediction;
    private float[]? stepNoise;
    private INoiseSource? noiseSource;
    private int stepsTaken;
    private int lastStepIndex = -1;

    public DpmSolverMultistepScheduler(SchedulerConfig? config = null)
    {
        config ??= SchedulerConfig.Empty;
        schedule = new TrainingNoiseSchedule(config, TimestepSpacing.Linspace, "DPM-Solver++ multistep");

        SolverOrder = config.SolverOrder ?? 2;
        if (SolverOrder == 3)
        {
            throw schedule.NotSupported("solver_order", "3");
        }
        if (SolverOrder is not (1 or 2))
        {
            throw schedule.Invalid("solver_order", $"is {SolverOrder}; DPM-Solver++ has orders 1, 2 and 3");
        }
        switch (config.AlgorithmType)
        {
            case null or "dpmsolver++" or "deis": // diffusers reads DEIS's "deis" as dpmsolver++
                break;
            case "sde-dpmsolver++":
                IsStochastic = true;
                break;
            case "dpmsolver" or "sde-dpmsolver":
                throw schedule.NotSupported("algorithm_type", $"'{config.AlgorithmType}'");
            default:
                throw schedule.Invalid("algorithm_type",
                    $"is '{config.AlgorithmType}', which Dice does not know (expected one of: dpmsolver++, dpmsolver, sde-dpmsolver, sde-dpmsolver++)");
        }
        if (config.VarianceType is not null)
        {
            throw schedule.NotSupported("variance_type", $"'{config.VarianceType}'");
        }
        schedule.Unsupported(config.Thresholding, "thresholding", "true");
        UseKarrasSigmas = config.UseKarrasSigmas ?? false;
        schedule.Unsupported(config.UseLuLambdas, "use_lu_lambdas", "true");
        schedule.Unsupported(config.UseExponentialSigmas, "use_exponential_sigmas", "true");
        schedule.Unsupported(config.UseBetaSigmas, "use_beta_sigmas", "true");

        SolverType = config.SolverType ?? DpmSolverType.Midpoint;
        LowerOrderFinal = config.LowerOrderFinal ?? true;
        EulerAtFinal = config.EulerAtFinal ?? false;
        FinalSigmasType = config.FinalSigmasType ?? FinalSigmasType.Zero;
        LambdaMinClipped = config.LambdaMinClipped ?? double.NegativeInfinity;
        if (double.IsNaN(LambdaMinClipped))
        {
            throw schedule.Invalid("lambda_min_clipped", "is NaN");
        }
    }

    /// <inheritdoc />
    public string Name => (IsStochastic, UseKarrasSigmas) switch
    {
        (false, false) => SchedulerFactory.DpmPlusPlus2M,
        (false, true) => SchedulerFactory.DpmPlusPlus2MKarras,
        (true, false) => SchedulerFactory.DpmPlusPlus2MSde,
        (true, true) => SchedulerFactory.DpmPlusPlus2MSdeKarras,
    };

    /// <summary>
    /// Whether this is DPM-Solver++ 2M SDE (algorithm_type sde-dpmsolver++): each step adds fresh noise from the
    /// source given to <see cref="UseNoise"/>.
    /// </summary>
    public bool IsStochastic { get; }

    /// <inheritdoc />
    public void UseNoise(INoiseSource noise) => noiseSource = noise ?? throw new ArgumentNullException(nameof(noise));

    /// <summary>use_karras_sigmas: the noise levels of Karras et al. (2022) instead of those of the spaced timesteps.</summary>
    public bool UseKarrasSigmas { get; }

    /// <inheritdoc />
    public int NumTrainTimesteps => schedule.NumTrainTimesteps;

    /// <inheritdoc />
    public PredictionType PredictionType => schedule.PredictionType;

    /// <inheritdoc />
    public TimestepSpacing TimestepSpacing => schedule.TimestepSpacing;

    /// <summary>steps_offset, added to leading timesteps.</summary>
    public int StepsOffset => schedule.StepsOffset;

    /// <summary>The solver order: 2 (DPM-Solver++ 2M) or 1 (DPM-Solver++ 1, equivalent to DDIM).</summary>
    public int SolverOrder { get; }

    public DpmSolverType SolverType { get; }

    public bool LowerOrderFinal { get; }

    public bool EulerAtFinal { get; }

    public FinalSigmasType FinalSigmasType { get; }

    public double LambdaMinClipped { get; }

    /// <inheritdoc />
    public int StepCount => timesteps.Length;

    /// <inheritdoc />
    public ReadOnlySpan<float> Timesteps => timesteps;

    /// <summary>σ of each step and, last, the σ the final step lands on (StepCount + 1 values).</summary>
    public ReadOnlySpan<double> Sigmas => sigmas;

    /// <inheritdoc />
    public float InitNoiseSigma => 1f;

    /// <summary>ᾱ of each training timestep.</summary>
    public ReadOnlySpan<double> AlphasCumprod => schedule.AlphasCumprod;

    /// <inheritdoc />
    public void SetTimesteps(int steps)
    {
        SchedulerGuards.CheckStepCount(steps, NumTrainTimesteps);
        int train = NumTrainTimesteps;

        // lambda_min_clipped drops the training timesteps whose λ = ln(α) − ln(s) lies below it.
        int clipped = 0;
        for (int t = 0; t < train; t++)
        {
            if (-Math.Log(schedule.Sigma(t)) < LambdaMinClipped)
            {
                clipped++;
            }
        }
        int lastTimestep = train - clipped;
        if (lastTimestep < 1)
        {
            throw schedule.Invalid("lambda_min_clipped", $"is {LambdaMinClipped}, which clips every training timestep");
        }

        if (UseKarrasSigmas)
        {
            // Karras noise levels between the extreme training σ (lambda_min_clipped and the spacing do not apply);
            // the UNet is given the rounded timestep of each level, interpolated in ln σ.
            var karras = TrainingNoiseSchedule.KarrasSigmas(schedule.Sigma(0), schedule.Sigma(train - 1), steps);
            timesteps = karras.Select(sigma => (float)TimestepGrid.Round(schedule.TimestepOfSigma(sigma))).ToArray();
            sigmas = new double[steps + 1];
            karras.CopyTo(sigmas, 0);
            sigmas[^1] = FinalSigmasType == FinalSigmasType.SigmaMin ? schedule.Sigma(0) : 0.0;
            Reset();
            return;
        }

        double[] values;
        switch (TimestepSpacing)
        {
            case TimestepSpacing.Linspace:
                // np.linspace(0, last - 1, steps + 1).round()[::-1][:-1]
                var grid = TimestepGrid.Linspace(0, lastTimestep - 1, steps + 1);
                values = new double[steps];
                for (int i = 0; i < steps; i++)
                {
                    values[i] = TimestepGrid.Round(grid[steps - i]);
                }
                break;
            case TimestepSpacing.Leading:
                // (np.arange(0, steps + 1) * (last // (steps + 1)))[::-1][:-1] + steps_offset
                int ratio = lastTimestep / (steps + 1);
                values = new double[steps];
                for (int i = 0; i < steps; i++)
                {
                    values[i] = (double)(steps - i) * ratio + StepsOffset;
                }
                break;
            case TimestepSpacing.Trailing:
                // np.arange(last, 0, -train / steps).round() - 1
                var descending = TimestepGrid.Arange(lastTimestep, 0, -(double)train / steps);
                values = descending.Select(v => TimestepGrid.Round(v) - 1).ToArray();
                break;
            default:
                throw new InvalidOperationException($"unknown timestep spacing {TimestepSpacing}");
        }

        // diffusers interpolates σ at the float64 timesteps, then hands the UNet float32 ones; at whole-number
        // timesteps the two agree.
        timesteps = values.Select(v => (float)v).ToArray();
        sigmas = schedule.SigmasAt(timesteps, FinalSigmasType);
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
                $"step {stepIndex} cannot follow step {lastStepIndex}: DPM-Solver++ runs its steps in order (call Reset to start over)");
        }
        if (currentPrediction is null || currentPrediction.Length != sample.Length)
        {
            if (stepsTaken > 0)
            {
                throw new ArgumentException(
                    $"the sample has {sample.Length} values but the previous steps had {currentPrediction!.Length}", nameof(sample));
            }
            currentPrediction = new float[sample.Length];
            previousPrediction = new float[sample.Length];
            stepNoise = IsStochastic ? new float[sample.Length] : null;
        }
        if (IsStochastic)
        {
            if (noiseSource is null)
            {
                throw new InvalidOperationException("DPM-Solver++ 2M SDE adds noise at each step: call UseNoise first");
            }
            noiseSource.Fill(stepNoise!);
        }

        // The data prediction x₀ = p·x + q·output.
        double sigmaS = sigmas[stepIndex];
        double alphaS = 1.0 / Math.Sqrt(sigmaS * sigmaS + 1.0);
        double scaledSigmaS = sigmaS * alphaS;
        (double p, double q) = PredictionType switch
        {
            PredictionType.Epsilon => (1.0 / alphaS, -sigmaS),
            PredictionType.VPrediction => (alphaS, -scaledSigmaS),
            PredictionType.Sample => (0.0, 1.0),
            _ => throw new InvalidOperationException($"unknown prediction type {PredictionType}"),
        };
        LatentMath.Combine(currentPrediction, (float)p, sample, (float)q, modelOutput);

        bool last = stepIndex == StepCount - 1;
        bool firstOrderFinal = last &&
            (EulerAtFinal || (LowerOrderFinal && StepCount < LowerOrderFinalStepLimit) || FinalSigmasType == FinalSigmasType.Zero);
        bool firstOrder = SolverOrder == 1 || stepsTaken < 1 || firstOrderFinal;

        double sigmaT = sigmas[stepIndex + 1];
        if (sigmaT == 0.0)
        {
            // σ = 0: α = 1, s = 0, e^−h = 0, so the (first-order) update is x₀ itself.
            currentPrediction.CopyTo(sample);
        }
        else
        {
            double alphaT = 1.0 / Math.Sqrt(sigmaT * sigmaT + 1.0);
            double scaledSigmaT = sigmaT * alphaT;
            double h = Math.Log(sigmaS) - Math.Log(sigmaT); // λ_t − λ_s with λ = −ln σ
            // ODE: a = s_t / s_s, b = α_t·(1 − e^−h); SDE: a = (s_t / s_s)·e^−h, b = α_t·(1 − e^−2h), plus noise.
            double a = IsStochastic ? scaledSigmaT / scaledSigmaS * Math.Exp(-h) : scaledSigmaT / scaledSigmaS;
            double b = IsStochastic ? alphaT * (1.0 - Math.Exp(-2.0 * h)) : -alphaT * (Math.Exp(-h) - 1.0);
            if (firstOrder)
            {
                LatentMath.Combine(sample, (float)a, sample, (float)b, currentPrediction);
            }
            else
            {
                double sigmaPrevious = sigmas[stepIndex - 1];
                double h0 = Math.Log(sigmaPrevious) - Math.Log(sigmaS);
                double r0 = h0 / h;
                double c = SolverType == DpmSolverType.Midpoint
                    ? 0.5 * b / r0
                    : IsStochastic
                        ? alphaT * ((1.0 - Math.Exp(-2.0 * h)) / (-2.0 * h) + 1.0) / r0
                        : alphaT * ((Math.Exp(-h) - 1.0) / h + 1.0) / r0;
                // x_t = a·x + b·D0 + c·(D0 − D_previous)
                LatentMath.Combine(sample, (float)a, sample, (float)(b + c), currentPrediction, (float)-c, previousPrediction);
            }
            if (IsStochastic)
            {
                // + s_t·sqrt(1 − e^−2h)·z
                LatentMath.Combine(sample, 1f, sample, (float)(scaledSigmaT * Math.Sqrt(1.0 - Math.Exp(-2.0 * h))), stepNoise!);
            }
        }

        (currentPrediction, previousPrediction) = (previousPrediction!, currentPrediction);
        stepsTaken++;
        lastStepIndex = stepIndex;
    }

    /// <inheritdoc />
    public void AddNoise(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int stepIndex, Span<float> destination)
    {
        SchedulerGuards.CheckStepIndex(stepIndex, StepCount);
        SchedulerGuards.CheckSameLength(original.Length, noise.Length, "the original", "the noise");
        SchedulerGuards.CheckSameLength(original.Length, destination.Length, "the original", "the destination");
        double sigma = sigmas[stepIndex];
        double alpha = 1.0 / Math.Sqrt(sigma * sigma + 1.0);
        LatentMath.Combine(destination, (float)alpha, original, (float)(sigma * alpha), noise);
    }

    /// <inheritdoc />
    public void Reset()
    {
        stepsTaken = 0;
        lastStepIndex = -1;
    }
}
