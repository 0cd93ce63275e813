using Dice.Core.Schedulers;

namespace Dice.Core.Tests.Schedulers;

/// <summary>
/// Published numbers from diffusers' tests/schedulers/test_scheduler_dpm_multi.py (DPMSolverMultistepSchedulerTest),
/// whose get_scheduler_config is: num_train_timesteps 1000, beta_start 0.0001, beta_end 0.02, beta_schedule linear,
/// solver_order 2, prediction_type epsilon, thresholding False, sample_max_value 1.0, algorithm_type dpmsolver++,
/// solver_type midpoint, lower_order_final False, euler_at_final False, lambda_min_clipped −inf, variance_type None,
/// final_sigmas_type sigma_min; full_loop runs 10 steps of model = dummy_model on dummy_sample_deter.
/// </summary>
public sealed class DpmSolverMultistepSchedulerTests
{
    private static readonly SchedulerConfig DiffusersTestConfig = new()
    {
        Source = "test_scheduler_dpm_multi.py get_scheduler_config",
        NumTrainTimesteps = 1000,
        BetaStart = 0.0001,
        BetaEnd = 0.02,
        BetaSchedule = BetaSchedule.Linear,
        SolverOrder = 2,
        PredictionType = PredictionType.Epsilon,
        Thresholding = false,
        AlgorithmType = "dpmsolver++",
        SolverType = DpmSolverType.Midpoint,
        LowerOrderFinal = false,
        EulerAtFinal = false,
        LambdaMinClipped = double.NegativeInfinity,
        VarianceType = null,
        FinalSigmasType = FinalSigmasType.SigmaMin,
    };

    private static float[] FullLoop(INoiseScheduler scheduler, int steps = 10)
    {
        var sample = DiffusersDummies.SampleDeter();
        var output = new float[sample.Length];
        scheduler.SetTimesteps(steps);
        for (int i = 0; i < scheduler.StepCount; i++)
        {
            DiffusersDummies.Model(sample, scheduler.Timesteps[i], output);
            scheduler.Step(output, i, sample);
        }
        return sample;
    }

    [Fact]
    public void Full_loop_matches_diffusers_test_full_loop_no_noise()
    {
        // test_full_loop_no_noise: assert abs(result_mean - 0.3301) < 1e-3
        var sample = FullLoop(new DpmSolverMultistepScheduler(DiffusersTestConfig));
        Assert.True(Math.Abs(DiffusersDummies.AbsMean(sample) - 0.3301) < 1e-3, $"mean {DiffusersDummies.AbsMean(sample)}");
    }

    [Fact]
    public void Full_loop_with_v_prediction_matches_diffusers()
    {
        // test_full_loop_with_v_prediction: full_loop(prediction_type="v_prediction"); abs(result_mean - 0.2251) < 1e-3
        var config = DiffusersTestConfig with { PredictionType = PredictionType.VPrediction };
        var sample = FullLoop(new DpmSolverMultistepScheduler(config));
        Assert.True(Math.Abs(DiffusersDummies.AbsMean(sample) - 0.2251) < 1e-3, $"mean {DiffusersDummies.AbsMean(sample)}");
    }

    [Fact]
    public void Full_loop_with_noise_matches_diffusers()
    {
        // test_full_loop_with_noise: 10 steps, t_start = 5, add_noise(dummy_sample_deter, dummy_noise_deter,
        // timesteps[5]), then the steps from index 5; abs(result_sum - 318.4111) < 1e-2, abs(result_mean - 0.4146) < 1e-3
        var scheduler = new DpmSolverMultistepScheduler(DiffusersTestConfig);
        scheduler.SetTimesteps(10);
        const int start = 5;
        var sample = DiffusersDummies.SampleDeter();
        scheduler.AddNoise(sample, DiffusersDummies.NoiseDeter(), start, sample);
        var output = new float[sample.Length];
        for (int i = start; i < scheduler.StepCount; i++)
        {
            DiffusersDummies.Model(sample, scheduler.Timesteps[i], output);
            scheduler.Step(output, i, sample);
        }

        Assert.True(Math.Abs(DiffusersDummies.AbsSum(sample) - 318.4111) < 1e-2, $"sum {DiffusersDummies.AbsSum(sample)}");
        Assert.True(Math.Abs(DiffusersDummies.AbsMean(sample) - 0.4146) < 1e-3, $"mean {DiffusersDummies.AbsMean(sample)}");
    }

    [Fact]
    public void Config_that_went_through_deis_and_unipc_reads_as_the_same_solver()
    {
        // test_switch: DPMSolverMultistep → DPMSolverSinglestep → UniPC → DEIS → DPMSolverMultistep via from_config
        // still gives result_mean 0.3301; DEIS writes algorithm_type "deis" and solver_type "logrho", which
        // DPMSolverMultistepScheduler reads as dpmsolver++ / midpoint.
        var config = SchedulerConfig.Parse("""
            {
              "_class_name": "DEISMultistepScheduler",
              "num_train_timesteps": 1000, "beta_start": 0.0001, "beta_end": 0.02, "beta_schedule": "linear",
              "solver_order": 2, "prediction_type": "epsilon", "thresholding": false,
              "algorithm_type": "deis", "solver_type": "logrho", "lower_order_final": false,
              "euler_at_final": false, "lambda_min_clipped": -Infinity, "variance_type": null,
              "final_sigmas_type": "sigma_min"
            }
            """);
        var scheduler = new DpmSolverMultistepScheduler(config);

        Assert.Equal(DpmSolverType.Midpoint, scheduler.SolverType);
        var sample = FullLoop(scheduler);
        Assert.True(Math.Abs(DiffusersDummies.AbsMean(sample) - 0.3301) < 1e-3, $"mean {DiffusersDummies.AbsMean(sample)}");
    }

    [Theory]
    [InlineData(DpmSolverType.Midpoint)]
    [InlineData(DpmSolverType.Heun)]
    public void Second_order_step_follows_the_dpm_solver_plus_plus_update(DpmSolverType solverType)
    {
        // DPM-Solver++(2M) (Lu et al. 2022, and diffusers' multistep_dpm_solver_second_order_update), written out
        // from the paper's quantities: α = 1/sqrt(σ² + 1), s = σ·α, λ = ln α − ln s, h = λ_t − λ_s, r = h_prev / h,
        // D0 = x₀(s), D1 = (D0 − x₀(previous)) / r,
        // midpoint: x_t = (s_t/s_s)·x − α_t(e^−h − 1)·D0 − ½·α_t(e^−h − 1)·D1
        // heun:     x_t = (s_t/s_s)·x − α_t(e^−h − 1)·D0 + α_t((e^−h − 1)/h + 1)·D1
        var config = DiffusersTestConfig with { PredictionType = PredictionType.Sample, SolverType = solverType };
        var scheduler = new DpmSolverMultistepScheduler(config);
        scheduler.SetTimesteps(10);
        float[] sample = [0.5f, -1.25f, 2f, 0.125f];
        float[] firstPrediction = [0.25f, 0.5f, -0.75f, 1f];
        float[] secondPrediction = [-0.5f, 0.75f, 0.3f, 0.6f];
        scheduler.Step(firstPrediction, 0, sample);
        var before = sample.ToArray();

        scheduler.Step(secondPrediction, 1, sample);

        var sigmas = scheduler.Sigmas;
        (double alphaT, double sT, double lambdaT) = Vp(sigmas[2]);
        (_, double sS, double lambdaS) = Vp(sigmas[1]);
        (_, _, double lambdaPrevious) = Vp(sigmas[0]);
        double h = lambdaT - lambdaS;
        double r = (lambdaS - lambdaPrevious) / h;
        for (int i = 0; i < sample.Length; i++)
        {
            double d0 = secondPrediction[i];
            double d1 = (secondPrediction[i] - firstPrediction[i]) / r;
            double expected = sT / sS * before[i] - alphaT * (Math.Exp(-h) - 1) * d0 + (solverType == DpmSolverType.Midpoint
                ? -0.5 * alphaT * (Math.Exp(-h) - 1) * d1
                : alphaT * ((Math.Exp(-h) - 1) / h + 1) * d1);
            Assert.Equal(expected, sample[i], 5);
        }
    }

    [Theory]
    [InlineData(true, 10, true)]
    [InlineData(true, 14, true)]
    [InlineData(true, 15, false)]
    [InlineData(false, 10, false)]
    public void Lower_order_final_makes_the_last_step_first_order_below_15_steps(bool lowerOrderFinal, int steps, bool firstOrder)
    {
        // diffusers: lower_order_final (with final_sigmas_type sigma_min, so that the last step does not land on
        // σ = 0) uses the first-order update x_t = (s_t/s_s)·x − α_t(e^−h − 1)·D0 for the last step when there are
        // fewer than 15 steps; otherwise the last step is second order like the others.
        var config = DiffusersTestConfig with { PredictionType = PredictionType.Sample, LowerOrderFinal = lowerOrderFinal };
        var scheduler = new DpmSolverMultistepScheduler(config);
        scheduler.SetTimesteps(steps);
        float[] sample = [0.5f, -1.25f, 2f, 0.125f];
        static float[] Prediction(int step) => [MathF.Sin(step), MathF.Cos(step), 0.1f * step, -0.5f];
        int last = scheduler.StepCount - 1;
        for (int i = 0; i < last; i++)
        {
            scheduler.Step(Prediction(i), i, sample);
        }
        var before = sample.ToArray();

        scheduler.Step(Prediction(last), last, sample);

        (double alphaT, double sT, double lambdaT) = Vp(scheduler.Sigmas[last + 1]);
        (_, double sS, double lambdaS) = Vp(scheduler.Sigmas[last]);
        (_, _, double lambdaPrevious) = Vp(scheduler.Sigmas[last - 1]);
        double h = lambdaT - lambdaS;
        double r = (lambdaS - lambdaPrevious) / h;
        for (int i = 0; i < sample.Length; i++)
        {
            double d0 = Prediction(last)[i];
            double d1 = (d0 - Prediction(last - 1)[i]) / r;
            double expected = sT / sS * before[i] - alphaT * (Math.Exp(-h) - 1) * d0
                - (firstOrder ? 0 : 0.5 * alphaT * (Math.Exp(-h) - 1) * d1);
            Assert.Equal(expected, sample[i], 5);
        }
    }

    [Fact]
    public void Final_step_to_sigma_zero_returns_the_data_prediction()
    {
        // final_sigmas_type "zero" (diffusers' default): the last step lands on σ = 0 (first order, α = 1, s = 0),
        // where x equals the data prediction x₀ = (x − s·ε) / α of the last step.
        var scheduler = new DpmSolverMultistepScheduler(DiffusersTestConfig with { FinalSigmasType = FinalSigmasType.Zero });
        scheduler.SetTimesteps(10);
        Assert.Equal(0.0, scheduler.Sigmas[^1]);
        var sample = DiffusersDummies.SampleDeter();
        var output = new float[sample.Length];
        int last = scheduler.StepCount - 1;
        for (int i = 0; i < last; i++)
        {
            DiffusersDummies.Model(sample, scheduler.Timesteps[i], output);
            scheduler.Step(output, i, sample);
        }
        DiffusersDummies.Model(sample, scheduler.Timesteps[last], output);
        (double alpha, double s, _) = Vp(scheduler.Sigmas[last]);
        var expected = sample.Select((x, i) => (x - s * output[i]) / alpha).ToArray();

        scheduler.Step(output, last, sample);

        for (int i = 0; i < sample.Length; i++)
        {
            Assert.Equal(expected[i], sample[i], 4);
        }
    }

    [Fact]
    public void Sigma_min_final_lands_on_the_sigma_of_training_timestep_zero()
    {
        var scheduler = new DpmSolverMultistepScheduler(DiffusersTestConfig);
        scheduler.SetTimesteps(10);
        double alphaBar0 = scheduler.AlphasCumprod[0];
        Assert.Equal(Math.Sqrt((1 - alphaBar0) / alphaBar0), scheduler.Sigmas[^1], 12);
        Assert.Equal(11, scheduler.Sigmas.Length);
    }

    [Fact]
    public void Lambda_min_clipped_drops_the_noisiest_training_timesteps()
    {
        // diffusers: last_timestep = num_train_timesteps − searchsorted(flip(λ), lambda_min_clipped), λ = ln α − ln s
        // = −ln σ falling with t; linspace then spaces over [0, last_timestep − 1].
        var scheduler = new DpmSolverMultistepScheduler(DiffusersTestConfig with { LambdaMinClipped = -2.0 });
        int kept = Enumerable.Range(0, 1000).Count(t =>
            -Math.Log(Math.Sqrt((1 - scheduler.AlphasCumprod[t]) / scheduler.AlphasCumprod[t])) >= -2.0);
        Assert.InRange(kept, 2, 999);

        scheduler.SetTimesteps(10);

        Assert.Equal(kept - 1, scheduler.Timesteps[0]);
        Assert.Equal(Math.Round(9 * ((kept - 1) / 10.0), MidpointRounding.ToEven), scheduler.Timesteps[1]);
    }

    [Fact]
    public void First_order_solver_differs_from_second_order_only_after_the_first_step()
    {
        var first = new DpmSolverMultistepScheduler(DiffusersTestConfig with { SolverOrder = 1 });
        var second = new DpmSolverMultistepScheduler(DiffusersTestConfig);
        var a = FullLoop(first, 1);
        var b = FullLoop(second, 1);
        Assert.Equal(a, b);

        Assert.NotEqual(FullLoop(first), FullLoop(second));
    }

    private static (double Alpha, double S, double Lambda) Vp(double sigma)
    {
        double alpha = 1 / Math.Sqrt(sigma * sigma + 1);
        double s = sigma * alpha;
        return (alpha, s, Math.Log(alpha) - Math.Log(s));
    }
}
