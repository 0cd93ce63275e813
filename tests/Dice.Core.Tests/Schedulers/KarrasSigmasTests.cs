using Dice.Core.Schedulers;

namespace Dice.Core.Tests.Schedulers;

/// <summary>
/// use_karras_sigmas: the noise levels of Karras et al. 2022, equation 5 (ρ = 7), computed here from the formula for
/// the Stable Diffusion 1.5 schedule (scaled_linear, β 0.00085 → 0.012, 1000 timesteps), and diffusers' mapping of a
/// σ back to a timestep by linear interpolation in ln σ.
/// </summary>
public sealed class KarrasSigmasTests
{
    private static readonly SchedulerConfig Sd15 = SchedulerConfig.Parse(StableDiffusion15TimestepTests.ClassicConfig);

    /// <summary>σ_t of the SD1.5 schedule: β_i = (sqrt(0.00085) + i/999·(sqrt(0.012) − sqrt(0.00085)))².</summary>
    private static double[] Sd15Sigmas()
    {
        var sigmas = new double[1000];
        double product = 1;
        double a = Math.Sqrt(0.00085), b = Math.Sqrt(0.012);
        for (int i = 0; i < 1000; i++)
        {
            double root = a + i / 999.0 * (b - a);
            product *= 1 - root * root;
            sigmas[i] = Math.Sqrt((1 - product) / product);
        }
        return sigmas;
    }

    private static double[] KarrasFormula(double sigmaMin, double sigmaMax, int n)
    {
        var result = new double[n];
        for (int i = 0; i < n; i++)
        {
            double root = Math.Pow(sigmaMax, 1 / 7.0) + i / (n - 1.0) * (Math.Pow(sigmaMin, 1 / 7.0) - Math.Pow(sigmaMax, 1 / 7.0));
            result[i] = Math.Pow(root, 7);
        }
        return result;
    }

    /// <summary>The fractional timestep where ln σ, linear between integer timesteps, equals ln <paramref name="sigma"/> (bisection).</summary>
    private static double TimestepOf(double sigma, double[] table)
    {
        double LogSigmaAt(double t)
        {
            int low = Math.Min((int)Math.Floor(t), table.Length - 2);
            double w = t - low;
            return (1 - w) * Math.Log(table[low]) + w * Math.Log(table[low + 1]);
        }
        double lo = 0, hi = table.Length - 1;
        for (int k = 0; k < 100; k++)
        {
            double mid = (lo + hi) / 2;
            if (LogSigmaAt(mid) < Math.Log(sigma))
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    [Fact]
    public void Sd15_extremes_are_the_published_sigma_min_and_sigma_max()
    {
        // The SD1.5 schedule's σ range as web UIs and diffusers report it: σ_max ≈ 14.6146, σ_min ≈ 0.0292.
        var table = Sd15Sigmas();
        Assert.Equal(14.6146, table[999], 4);
        Assert.Equal(0.0292, table[0], 4);
    }

    [Theory]
    [InlineData("dpmpp-2m-karras")]
    [InlineData("dpmpp-2m-sde-karras")]
    public void Dpm_solver_uses_equation_5_between_the_training_extremes_and_rounds_the_timesteps(string name)
    {
        var table = Sd15Sigmas();
        var expected = KarrasFormula(table[0], table[999], 20);
        var scheduler = (DpmSolverMultistepScheduler)SchedulerFactory.Create(name, Sd15);
        scheduler.SetTimesteps(20);

        Assert.True(scheduler.UseKarrasSigmas);
        Assert.Equal(21, scheduler.Sigmas.Length);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(expected[i], scheduler.Sigmas[i], expected[i] * 1e-9);
            Assert.Equal(Math.Round(TimestepOf(expected[i], table)), scheduler.Timesteps[i]);
        }
        Assert.Equal(0.0, scheduler.Sigmas[20]);
        Assert.Equal(999f, scheduler.Timesteps[0]);
        Assert.Equal(0f, scheduler.Timesteps[19]);
    }

    [Fact]
    public void Euler_karras_uses_equation_5_with_fractional_timesteps()
    {
        var table = Sd15Sigmas();
        var expected = KarrasFormula(table[0], table[999], 20);
        var scheduler = (EulerDiscreteScheduler)SchedulerFactory.Create("euler-karras", Sd15);
        scheduler.SetTimesteps(20);

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(expected[i], scheduler.Sigmas[i], expected[i] * 1e-9);
            Assert.Equal(TimestepOf(expected[i], table), scheduler.Timesteps[i], 3);
        }
        Assert.Equal(0.0, scheduler.Sigmas[20]);
        Assert.Equal((float)expected[0], scheduler.InitNoiseSigma);
        // A step is still Euler's: x + (σ_next − σ)·ε for epsilon prediction.
        float[] sample = [1f];
        scheduler.Step([0.5f], 3, sample);
        Assert.Equal(1 + (expected[4] - expected[3]) * 0.5, sample[0], 5);
    }

    [Fact]
    public void Euler_karras_spans_the_sigmas_of_the_spaced_timesteps()
    {
        // diffusers' Euler takes σ_max and σ_min from the σ of its spaced timesteps: with leading spacing,
        // steps_offset 1 and 20 steps those are timesteps 951 and 1.
        var table = Sd15Sigmas();
        var expected = KarrasFormula(table[1], table[951], 20);
        var scheduler = new EulerDiscreteScheduler(Sd15 with { TimestepSpacing = TimestepSpacing.Leading, UseKarrasSigmas = true });
        scheduler.SetTimesteps(20);

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(expected[i], scheduler.Sigmas[i], expected[i] * 1e-9);
        }
        Assert.Equal(951.0, scheduler.Timesteps[0], 3);
        Assert.Equal(1.0, scheduler.Timesteps[19], 3);
        Assert.Equal((float)Math.Sqrt(expected[0] * expected[0] + 1), scheduler.InitNoiseSigma);
    }

    [Fact]
    public void Use_karras_sigmas_in_the_configuration_is_read()
    {
        var config = SchedulerConfig.Parse("""{"use_karras_sigmas": true, "beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012}""");
        var dpm = SchedulerFactory.Create("dpmpp-2m", config);
        var euler = SchedulerFactory.Create("euler", config);
        Assert.Equal("dpmpp-2m-karras", dpm.Name);
        Assert.Equal("euler-karras", euler.Name);
        Assert.True(((DpmSolverMultistepScheduler)dpm).UseKarrasSigmas);
        Assert.True(((EulerDiscreteScheduler)euler).UseKarrasSigmas);
    }
}
