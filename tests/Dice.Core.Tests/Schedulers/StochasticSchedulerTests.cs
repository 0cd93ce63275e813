using Dice.Core.Sampling;
using Dice.Core.Schedulers;

namespace Dice.Core.Tests.Schedulers;

/// <summary>
/// One step of each stochastic sampler on the tiny 10-timestep schedule with a constant model output and constant
/// noise, against the sampler's published update computed by hand here from ᾱ_t.
/// </summary>
public sealed class StochasticSchedulerTests
{
    private const float Output = 0.3f;
    private const float Z = 0.5f;
    private const float X = 2f;

    private static float StepOnce(IStochasticScheduler scheduler, int stepIndex, float x, ConstantNoise? noise = null)
    {
        scheduler.UseNoise(noise ?? new ConstantNoise(Z));
        float[] sample = [x, x, x];
        scheduler.Step([Output, Output, Output], stepIndex, sample);
        Assert.Equal(sample[0], sample[2]);
        return sample[0];
    }

    // ---- Euler ancestral (k-diffusion's get_ancestral_step, diffusers' EulerAncestralDiscreteScheduler) ----

    [Fact]
    public void Euler_ancestral_steps_down_to_sigma_down_and_adds_sigma_up_noise()
    {
        // 2 steps, linspace: timesteps 9 and 0, σ = σ_9, σ_0, then 0.
        var scheduler = new EulerAncestralDiscreteScheduler(TinySchedule.Config);
        scheduler.SetTimesteps(2);
        Assert.Equal([9f, 0f], scheduler.Timesteps.ToArray());

        double from = TinySchedule.Sigma(9), to = TinySchedule.Sigma(0);
        double up = Math.Sqrt(to * to * (from * from - to * to) / (from * from));
        double down = Math.Sqrt(to * to - up * up);
        // σ_up² + σ_down² = σ_next²: the noise level lands on σ_next.
        Assert.Equal(to * to, up * up + down * down, 12);

        var noise = new ConstantNoise(Z);
        float result = StepOnce(scheduler, 0, X, noise);
        // epsilon: x₀ = x − σ·ε, derivative (x − x₀)/σ = ε; x ← x + (σ_down − σ)·ε + σ_up·z
        Assert.Equal(X + (down - from) * Output + up * Z, result, 5);
        Assert.Equal(3, noise.Drawn);
        Assert.Equal((float)from, scheduler.InitNoiseSigma);
    }

    [Fact]
    public void Euler_ancestral_last_step_lands_on_the_data_prediction_without_noise()
    {
        var scheduler = new EulerAncestralDiscreteScheduler(TinySchedule.Config);
        scheduler.SetTimesteps(2);
        double sigma = TinySchedule.Sigma(0);
        Assert.Equal(X - sigma * Output, StepOnce(scheduler, 1, X), 5);
    }

    [Fact]
    public void Euler_ancestral_with_v_prediction_uses_the_v_data_prediction()
    {
        var scheduler = new EulerAncestralDiscreteScheduler(TinySchedule.Config with { PredictionType = PredictionType.VPrediction });
        scheduler.SetTimesteps(2);
        double from = TinySchedule.Sigma(9), to = TinySchedule.Sigma(0);
        double up = Math.Sqrt(to * to * (from * from - to * to) / (from * from));
        double down = Math.Sqrt(to * to - up * up);
        // x₀ = x / (σ² + 1) − v·σ / sqrt(σ² + 1) (Salimans and Ho's v in the σ-scaled latents)
        double x0 = X / (from * from + 1) - Output * from / Math.Sqrt(from * from + 1);
        double expected = X + (down - from) * (X - x0) / from + up * Z;
        Assert.Equal(expected, StepOnce(scheduler, 0, X), 5);
    }

    [Fact]
    public void Euler_ancestral_refuses_sample_prediction_as_diffusers_does()
    {
        Assert.Throws<NotSupportedException>(() =>
            new EulerAncestralDiscreteScheduler(TinySchedule.Config with { PredictionType = PredictionType.Sample }));
    }

    // ---- DPM-Solver++ 2M SDE (Lu et al. 2022, DPM-Solver++ section 5, as in diffusers' sde-dpmsolver++) ----

    [Fact]
    public void Dpm_solver_sde_first_then_second_order_steps_match_the_sde_update()
    {
        // 3 steps, linspace: np.linspace(0, 9, 4).round()[::-1][:-1] = 9, 6, 3; σ_9, σ_6, σ_3, then 0.
        var scheduler = (DpmSolverMultistepScheduler)SchedulerFactory.Create("dpmpp-2m-sde", TinySchedule.Config);
        scheduler.SetTimesteps(3);
        Assert.Equal([9f, 6f, 3f], scheduler.Timesteps.ToArray());
        Assert.True(scheduler.IsStochastic);
        scheduler.UseNoise(new ConstantNoise(Z));

        static (double Alpha, double Scaled) AlphaSigma(double sigma)
        {
            double alpha = 1 / Math.Sqrt(sigma * sigma + 1);
            return (alpha, sigma * alpha);
        }
        double s9 = TinySchedule.Sigma(9), s6 = TinySchedule.Sigma(6), s3 = TinySchedule.Sigma(3);
        (double a9, double q9) = AlphaSigma(s9);
        (double a6, double q6) = AlphaSigma(s6);
        (double a3, double q3) = AlphaSigma(s3);

        // Step 0, first order: x = (q6/q9)·e^−h·x + α6·(1 − e^−2h)·D0 + q6·sqrt(1 − e^−2h)·z, h = λ6 − λ9, λ = ln(α/q).
        double d0 = (X - q9 * Output) / a9;
        double h = Math.Log(a6 / q6) - Math.Log(a9 / q9);
        double x1 = q6 / q9 * Math.Exp(-h) * X + a6 * (1 - Math.Exp(-2 * h)) * d0 + q6 * Math.Sqrt(1 - Math.Exp(-2 * h)) * Z;
        float[] sample = [X];
        scheduler.Step([Output], 0, sample);
        Assert.Equal(x1, sample[0], 4);

        // Step 1, second order (midpoint): + ½·α3·(1 − e^−2h)·D1, D1 = (D0 − D_prev)/r0, r0 = h_prev / h.
        double d1Now = (x1 - q6 * Output) / a6;
        double h1 = Math.Log(a3 / q3) - Math.Log(a6 / q6);
        double r0 = h / h1;
        double b = a3 * (1 - Math.Exp(-2 * h1));
        double x2 = q3 / q6 * Math.Exp(-h1) * x1 + b * d1Now + 0.5 * b * (d1Now - d0) / r0
            + q3 * Math.Sqrt(1 - Math.Exp(-2 * h1)) * Z;
        scheduler.Step([Output], 1, sample);
        Assert.Equal(x2, sample[0], 4);

        // Last step to σ = 0: the data prediction itself.
        double x0 = (x2 - q3 * Output) / a3;
        scheduler.Step([Output], 2, sample);
        Assert.Equal(x0, sample[0], 4);
    }

    [Fact]
    public void Dpm_solver_sde_with_v_prediction_converts_v_to_the_data_prediction()
    {
        var scheduler = SchedulerFactory.Create("dpmpp-2m-sde", TinySchedule.Config with { PredictionType = PredictionType.VPrediction });
        scheduler.SetTimesteps(3);
        double s9 = TinySchedule.Sigma(9), s6 = TinySchedule.Sigma(6);
        double a9 = 1 / Math.Sqrt(s9 * s9 + 1), q9 = s9 * a9, a6 = 1 / Math.Sqrt(s6 * s6 + 1), q6 = s6 * a6;
        double d0 = a9 * X - q9 * Output; // x₀ = α·x − σ·v
        double h = Math.Log(s9 / s6);
        double expected = q6 / q9 * Math.Exp(-h) * X + a6 * (1 - Math.Exp(-2 * h)) * d0 + q6 * Math.Sqrt(1 - Math.Exp(-2 * h)) * Z;
        Assert.Equal(expected, StepOnce((IStochasticScheduler)scheduler, 0, X), 4);
    }

    [Fact]
    public void Plain_dpm_solver_is_deterministic_and_never_draws_noise()
    {
        var scheduler = (IStochasticScheduler)SchedulerFactory.Create("dpmpp-2m", TinySchedule.Config);
        scheduler.SetTimesteps(3);
        var noise = new ConstantNoise(Z);
        StepOnce(scheduler, 0, X, noise);
        Assert.False(scheduler.IsStochastic);
        Assert.Equal(0, noise.Drawn);
    }

    // ---- DDIM with η (Song et al. 2020, equations 12 and 16) ----

    [Fact]
    public void Ddim_eta_one_with_every_timestep_adds_the_ddpm_posterior_noise()
    {
        // 10 steps of 10 timesteps: t = 5 steps to 4. With η = 1, σ² = (1 − ᾱ4)/(1 − ᾱ5)·(1 − ᾱ5/ᾱ4) = β̃_5, the DDPM
        // posterior variance (Ho et al. 2020, equation 7), and x = sqrt(ᾱ4)·x₀ + sqrt(1 − ᾱ4 − σ²)·ε + σ·z.
        var scheduler = new DdimScheduler(TinySchedule.Config with { ClipSample = false }, eta: 1.0);
        scheduler.SetTimesteps(10);
        int index = Array.IndexOf(scheduler.Timesteps.ToArray(), 5f);
        double a5 = TinySchedule.AlphaBar(5), a4 = TinySchedule.AlphaBar(4);
        double beta5 = 0.05 + 5 / 9.0 * 0.25;
        double posterior = (1 - a4) / (1 - a5) * beta5;
        Assert.Equal(Math.Sqrt(posterior), scheduler.NoiseStandardDeviation(index), 12);

        double x0 = (X - Math.Sqrt(1 - a5) * Output) / Math.Sqrt(a5);
        double expected = Math.Sqrt(a4) * x0 + Math.Sqrt(1 - a4 - posterior) * Output + Math.Sqrt(posterior) * Z;
        Assert.Equal(expected, StepOnce(scheduler, index, X), 5);
    }

    [Fact]
    public void Ddim_eta_scales_the_noise_standard_deviation_and_zero_is_deterministic()
    {
        var half = new DdimScheduler(TinySchedule.Config with { ClipSample = false }, eta: 0.5);
        var full = new DdimScheduler(TinySchedule.Config with { ClipSample = false }, eta: 1.0);
        var none = new DdimScheduler(TinySchedule.Config with { ClipSample = false });
        foreach (var scheduler in new[] { half, full, none })
        {
            scheduler.SetTimesteps(5);
        }
        Assert.Equal(0.5 * full.NoiseStandardDeviation(1), half.NoiseStandardDeviation(1), 12);
        Assert.Equal(0.0, none.NoiseStandardDeviation(1));
        Assert.True(half.IsStochastic);
        Assert.False(none.IsStochastic);

        // η = 0 without a noise source: equation 12 with σ = 0.
        int t = (int)none.Timesteps[1], previous = t - 2;
        double at = TinySchedule.AlphaBar(t), ap = TinySchedule.AlphaBar(previous);
        float[] sample = [X];
        none.Step([Output], 1, sample);
        double x0 = (X - Math.Sqrt(1 - at) * Output) / Math.Sqrt(at);
        Assert.Equal(Math.Sqrt(ap) * x0 + Math.Sqrt(1 - ap) * Output, sample[0], 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DdimScheduler(TinySchedule.Config, eta: 1.5));
    }

    // ---- The contract ----

    [Theory]
    [InlineData("euler-a")]
    [InlineData("dpmpp-2m-sde")]
    public void A_stochastic_step_without_a_noise_source_fails(string name)
    {
        var scheduler = SchedulerFactory.Create(name, TinySchedule.Config);
        scheduler.SetTimesteps(3);
        var error = Assert.Throws<InvalidOperationException>(() => scheduler.Step(new float[2], 0, new float[2]));
        Assert.Contains("UseNoise", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ddim_eta_from_the_factory_is_stochastic()
    {
        var scheduler = (IStochasticScheduler)SchedulerFactory.Create("ddim", TinySchedule.Config, eta: 1.0);
        Assert.True(scheduler.IsStochastic);
    }

    [Fact]
    public void The_denoising_loop_hands_its_noise_source_to_a_stochastic_scheduler()
    {
        var scheduler = SchedulerFactory.Create("euler-a", TinySchedule.Config);
        scheduler.SetTimesteps(2);
        var latents = new float[4];
        Assert.Throws<ArgumentException>(() => DenoisingLoop.Run(scheduler, new ZeroDenoiser(), latents, null));

        // ε = 0 and z = 0.5: step 0 adds σ_up·z, step 1 (to σ = 0, σ_up = 0) keeps x₀ = x.
        var noise = new ConstantNoise(Z);
        DenoisingLoop.Run(scheduler, new ZeroDenoiser(), latents, null, stepNoise: noise);
        double from = TinySchedule.Sigma(9), to = TinySchedule.Sigma(0);
        double up = Math.Sqrt(to * to * (from * from - to * to) / (from * from));
        Assert.Equal(up * Z, latents[0], 5);
        Assert.Equal(8, noise.Drawn);
    }

    private sealed class ZeroDenoiser : IDenoiser
    {
        public void PredictNoise(ReadOnlySpan<float> modelInput, float timestep, Span<float> noise) => noise.Clear();

        public void PredictUnconditionalAndConditionalNoise(ReadOnlySpan<float> modelInput, float timestep, Span<float> noise) => noise.Clear();
    }
}
