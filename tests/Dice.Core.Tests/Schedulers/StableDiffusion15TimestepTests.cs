using Dice.Core.Schedulers;

namespace Dice.Core.Tests.Schedulers;

/// <summary>
/// The 20-step timesteps of each scheduler for Stable Diffusion 1.5's scheduler configuration, as diffusers computes
/// them when a pipeline switches to that scheduler.
/// </summary>
public sealed class StableDiffusion15TimestepTests
{
    /// <summary>runwayml/stable-diffusion-v1-5 scheduler/scheduler_config.json (PNDMScheduler, diffusers 0.6.0): no timestep_spacing.</summary>
    internal const string ClassicConfig = """
        {
          "_class_name": "PNDMScheduler",
          "_diffusers_version": "0.6.0",
          "beta_end": 0.012,
          "beta_schedule": "scaled_linear",
          "beta_start": 0.00085,
          "num_train_timesteps": 1000,
          "set_alpha_to_one": false,
          "skip_prk_steps": true,
          "steps_offset": 1,
          "trained_betas": null,
          "clip_sample": false
        }
        """;

    /// <summary>The same as saved by newer diffusers (and written by dice convert): PNDM's timestep_spacing "leading" is in the file.</summary>
    internal const string LeadingConfig = """
        {
          "_class_name": "PNDMScheduler",
          "beta_end": 0.012,
          "beta_schedule": "scaled_linear",
          "beta_start": 0.00085,
          "clip_sample": false,
          "num_train_timesteps": 1000,
          "prediction_type": "epsilon",
          "set_alpha_to_one": false,
          "skip_prk_steps": true,
          "steps_offset": 1,
          "timestep_spacing": "leading",
          "trained_betas": null
        }
        """;

    private static float[] Timesteps(INoiseScheduler scheduler, int steps)
    {
        scheduler.SetTimesteps(steps);
        return scheduler.Timesteps.ToArray();
    }

    /// <summary>Leading spacing: (k · ratio + steps_offset) for k = count … 1 (diffusers' arange(...)[::-1], without the 0 when dropped).</summary>
    private static float[] Leading(int ratio, int from, int to, int offset) =>
        Enumerable.Range(to, from - to + 1).Reverse().Select(k => (float)(k * ratio + offset)).ToArray();

    [Fact]
    public void Dpm_solver_uses_linspace_when_the_file_has_no_spacing()
    {
        // DPMSolverMultistepScheduler defaults to timestep_spacing "linspace":
        // np.linspace(0, 999, 21).round()[::-1][:-1], numpy rounding half to even (499.5 → 500).
        var scheduler = new DpmSolverMultistepScheduler(SchedulerConfig.Parse(ClassicConfig));
        float[] expected = [999, 949, 899, 849, 799, 749, 699, 649, 599, 549, 500, 450, 400, 350, 300, 250, 200, 150, 100, 50];

        Assert.Equal(TimestepSpacing.Linspace, scheduler.TimestepSpacing);
        Assert.Equal(expected, Timesteps(scheduler, 20));
        var derived = Enumerable.Range(1, 20).Reverse().Select(k => (float)Math.Round(k * (999.0 / 20), MidpointRounding.ToEven));
        Assert.Equal(derived, expected);
    }

    [Fact]
    public void Dpm_solver_linspace_rounds_ties_to_even_like_numpy()
    {
        // np.linspace(0, 999, 7) = 0, 166.5, 333, 499.5, 666, 832.5, 999 (exact in binary): numpy's round gives
        // 166 and 832 (ties to even) and 500, where rounding ties away from zero would give 167, 833 and 500.
        var scheduler = new DpmSolverMultistepScheduler(SchedulerConfig.Parse(ClassicConfig));
        Assert.Equal([999f, 832f, 666f, 500f, 333f, 166f], Timesteps(scheduler, 6));
    }

    [Fact]
    public void Dpm_solver_keeps_leading_spacing_from_the_file()
    {
        // Leading in DPMSolverMultistepScheduler: step_ratio = 1000 // (20 + 1) = 47;
        // (np.arange(0, 21) * 47)[::-1][:-1] + steps_offset 1 = 941, 894, …, 48.
        var scheduler = new DpmSolverMultistepScheduler(SchedulerConfig.Parse(LeadingConfig));
        var timesteps = Timesteps(scheduler, 20);

        Assert.Equal(TimestepSpacing.Leading, scheduler.TimestepSpacing);
        Assert.Equal(Leading(47, 20, 1, 1), timesteps);
        Assert.Equal(941f, timesteps[0]);
        Assert.Equal(48f, timesteps[^1]);
    }

    [Fact]
    public void Euler_uses_fractional_linspace_timesteps_when_the_file_has_no_spacing()
    {
        // EulerDiscreteScheduler defaults to "linspace": np.linspace(0, 999, 20, dtype=float32)[::-1],
        // so 999, 946.42…, …, 52.58…, 0 in steps of 999 / 19.
        var scheduler = new EulerDiscreteScheduler(SchedulerConfig.Parse(ClassicConfig));
        var timesteps = Timesteps(scheduler, 20);

        Assert.Equal(20, timesteps.Length);
        Assert.Equal(999f, timesteps[0]);
        Assert.Equal(0f, timesteps[^1]);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal((19 - i) * 999.0 / 19, timesteps[i], 3);
        }
        Assert.Equal(946.42105f, timesteps[1], 3);
    }

    [Fact]
    public void Euler_and_ddim_use_leading_steps_of_fifty_plus_the_offset()
    {
        // Leading in EulerDiscreteScheduler and DDIMScheduler: step_ratio = 1000 // 20 = 50;
        // (np.arange(0, 20) * 50)[::-1] + steps_offset 1 = 951, 901, …, 1.
        var expected = Leading(50, 19, 0, 1);
        Assert.Equal(951f, expected[0]);
        Assert.Equal(1f, expected[^1]);

        Assert.Equal(expected, Timesteps(new EulerDiscreteScheduler(SchedulerConfig.Parse(LeadingConfig)), 20));
        Assert.Equal(expected, Timesteps(new DdimScheduler(SchedulerConfig.Parse(LeadingConfig)), 20));
        // DDIMScheduler's own default spacing is leading, so the classic file gives the same.
        Assert.Equal(expected, Timesteps(new DdimScheduler(SchedulerConfig.Parse(ClassicConfig)), 20));
    }

    [Fact]
    public void Ddim_linspace_rounds_the_evenly_spaced_timesteps()
    {
        // DDIMScheduler "linspace": np.linspace(0, 999, 20).round()[::-1]
        var config = SchedulerConfig.Parse(ClassicConfig) with { TimestepSpacing = TimestepSpacing.Linspace };
        var expected = Enumerable.Range(0, 20).Reverse()
            .Select(k => (float)(k == 19 ? 999 : Math.Round(k * (999.0 / 19), MidpointRounding.ToEven)))
            .ToArray();
        Assert.Equal(expected, Timesteps(new DdimScheduler(config), 20));
    }

    [Fact]
    public void Noise_levels_span_the_published_stable_diffusion_sigma_range()
    {
        // SD 1.x's σ range, σ_max = 14.614642 and σ_min = 0.0291675 (the defaults of ComfyUI's sampler nodes,
        // from k-diffusion's DiscreteSchedule of the scaled-linear 0.00085 → 0.012 schedule).
        var euler = new EulerDiscreteScheduler(SchedulerConfig.Parse(ClassicConfig));
        euler.SetTimesteps(20);
        Assert.Equal(14.614642, euler.Sigmas[0], 4);
        // Linspace spacing: init_noise_sigma = σ_max.
        Assert.Equal(14.614642f, euler.InitNoiseSigma, 3);

        var dpm = new DpmSolverMultistepScheduler(SchedulerConfig.Parse(ClassicConfig) with { FinalSigmasType = FinalSigmasType.SigmaMin });
        dpm.SetTimesteps(20);
        Assert.True(Math.Abs(dpm.Sigmas[^1] - 0.0291675) < 1e-6, $"σ_min {dpm.Sigmas[^1]}");
    }

    [Fact]
    public void Euler_with_leading_spacing_starts_from_unit_variance_noise_around_sigma()
    {
        // diffusers' EulerDiscreteScheduler.init_noise_sigma: max σ for linspace / trailing, sqrt(max σ² + 1) otherwise.
        var scheduler = new EulerDiscreteScheduler(SchedulerConfig.Parse(LeadingConfig));
        scheduler.SetTimesteps(20);
        double alphaBar = scheduler.AlphasCumprod[951];
        double sigma = Math.Sqrt((1 - alphaBar) / alphaBar);

        Assert.Equal(sigma, scheduler.Sigmas[0], 9);
        Assert.Equal((float)Math.Sqrt(sigma * sigma + 1), scheduler.InitNoiseSigma);
    }

    [Fact]
    public void Trailing_spacing_counts_down_from_the_last_training_timestep()
    {
        // "trailing": np.arange(1000, 0, -1000 / 20).round() - 1 = 999, 949, …, 49 (Euler, DDIM and, with
        // last_timestep = 1000, DPM-Solver++).
        var config = SchedulerConfig.Parse(ClassicConfig) with { TimestepSpacing = TimestepSpacing.Trailing };
        var expected = Enumerable.Range(1, 20).Reverse().Select(k => (float)(k * 50 - 1)).ToArray();

        Assert.Equal(expected, Timesteps(new EulerDiscreteScheduler(config), 20));
        Assert.Equal(expected, Timesteps(new DdimScheduler(config), 20));
        Assert.Equal(expected, Timesteps(new DpmSolverMultistepScheduler(config), 20));
    }

    [Fact]
    public void Trailing_spacing_with_a_step_ratio_that_is_not_whole()
    {
        // np.arange(1000, 0, -1000 / 30): numpy fills start + i·delta, delta = (1000 − 33.33…) − 1000; rounded
        // and minus 1 this gives 999, 966, 932, 899, … (1000 − 33.33·i rounded, minus 1), ending at 32.
        var config = SchedulerConfig.Parse(ClassicConfig) with { TimestepSpacing = TimestepSpacing.Trailing };
        var timesteps = Timesteps(new DdimScheduler(config), 30);

        Assert.Equal(30, timesteps.Length);
        var expected = Enumerable.Range(0, 30).Select(i => (float)(Math.Round(1000 - i * (1000.0 / 30), MidpointRounding.ToEven) - 1)).ToArray();
        Assert.Equal(expected, timesteps);
        Assert.Equal([999f, 966f, 932f, 899f], timesteps[..4]);
        Assert.Equal(32f, timesteps[^1]);
    }
}
