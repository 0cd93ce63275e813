using Dice.Core.Schedulers;

namespace Dice.Core.Tests.Schedulers;

/// <summary>
/// PLMS (PNDM with skip_prk_steps): diffusers' published timesteps, and the update of Liu et al. 2022 — the transfer
/// x_prev = sqrt(ᾱ_prev/ᾱ_t)·x − (ᾱ_prev − ᾱ_t)·e / (ᾱ_t·sqrt(1 − ᾱ_prev) + sqrt(ᾱ_t(1 − ᾱ_t)ᾱ_prev)) with the
/// Adams–Bashforth estimates of their equation 12 — computed by hand on the tiny schedule.
/// </summary>
public sealed class PndmSchedulerTests
{
    [Fact]
    public void Steps_offset_timesteps_match_diffusers_test_steps_offset()
    {
        // test_scheduler_pndm.py test_steps_offset: steps_offset 1, set_timesteps(10) →
        // [901, 801, 801, 701, 601, 501, 401, 301, 201, 101, 1]
        var scheduler = new PndmScheduler(new SchedulerConfig { StepsOffset = 1 });
        scheduler.SetTimesteps(10);
        Assert.Equal([901f, 801f, 801f, 701f, 601f, 501f, 401f, 301f, 201f, 101f, 1f], scheduler.Timesteps.ToArray());
    }

    [Theory]
    // trailing: round(arange(1000, 0, -100))[::-1] − 1 = 99, 199, …, 999
    [InlineData(TimestepSpacing.Trailing, new float[] { 999, 899, 899, 799, 699, 599, 499, 399, 299, 199, 99 })]
    // linspace: round(linspace(0, 999, 10)) = 0, 111, …, 999
    [InlineData(TimestepSpacing.Linspace, new float[] { 999, 888, 888, 777, 666, 555, 444, 333, 222, 111, 0 })]
    public void Trailing_and_linspace_spacing_follow_diffusers(TimestepSpacing spacing, float[] expected)
    {
        var scheduler = new PndmScheduler(new SchedulerConfig { TimestepSpacing = spacing, StepsOffset = 1 });
        scheduler.SetTimesteps(10);
        Assert.Equal(expected, scheduler.Timesteps.ToArray());
    }

    [Fact]
    public void Sd15_configuration_gives_plms_with_one_extra_call()
    {
        var scheduler = SchedulerFactory.Create("pndm", SchedulerConfig.Parse(StableDiffusion15TimestepTests.ClassicConfig));
        scheduler.SetTimesteps(50);
        Assert.Equal(51, scheduler.StepCount);
        Assert.Equal([981f, 961f, 961f, 941f], scheduler.Timesteps[..4].ToArray());
        Assert.Equal(1f, scheduler.Timesteps[^1]);
    }

    /// <summary>The PNDM transfer φ, written from the paper's equation 11 in terms of ᾱ.</summary>
    private static double Transfer(double x, double e, int t, int previous, double finalAlpha)
    {
        double at = TinySchedule.AlphaBar(t);
        double ap = previous >= 0 ? TinySchedule.AlphaBar(previous) : finalAlpha;
        return Math.Sqrt(ap / at) * x - (ap - at) * e / (at * Math.Sqrt(1 - ap) + Math.Sqrt(at * (1 - at) * ap));
    }

    [Fact]
    public void The_transfer_equals_deterministic_ddim_for_a_constant_noise_estimate()
    {
        // With ε constant every estimate is ε (the coefficients of each order sum to 1), and φ(x, ε) is DDIM's
        // sqrt(ᾱ_prev)·x₀ + sqrt(1 − ᾱ_prev)·ε with x₀ = (x − sqrt(1 − ᾱ_t)·ε) / sqrt(ᾱ_t).
        var scheduler = new PndmScheduler(TinySchedule.Config);
        scheduler.SetTimesteps(5); // leading, ratio 2: 8, 6, 6, 4, 2, 0
        Assert.Equal([8f, 6f, 6f, 4f, 2f, 0f], scheduler.Timesteps.ToArray());
        const double eps = 0.3;
        double x = 2;
        float[] sample = [(float)x];
        int[] from = [8, 8, 6, 4, 2, 0];
        for (int i = 0; i < scheduler.StepCount; i++)
        {
            scheduler.Step([(float)eps], i, sample);
            double start = i == 1 ? 2 : x; // call 1 redoes the first step from the first latents
            int t = from[i], previous = t - 2;
            double at = TinySchedule.AlphaBar(t);
            double ap = previous >= 0 ? TinySchedule.AlphaBar(previous) : TinySchedule.AlphaBar(0); // set_alpha_to_one false
            double x0 = (start - Math.Sqrt(1 - at) * eps) / Math.Sqrt(at);
            x = Math.Sqrt(ap) * x0 + Math.Sqrt(1 - ap) * eps;
            Assert.Equal(x, sample[0], 4);
        }
    }

    [Fact]
    public void Noise_estimates_follow_the_pseudo_linear_multistep_orders()
    {
        var scheduler = new PndmScheduler(TinySchedule.Config);
        scheduler.SetTimesteps(5);
        double[] e = [0.1, 0.25, -0.2, 0.4, 0.05, 0.3];
        double a0 = TinySchedule.AlphaBar(0);
        float[] sample = [2f];

        double x1 = Transfer(2, e[0], 8, 6, a0);
        double x1b = Transfer(2, (e[0] + e[1]) / 2, 8, 6, a0); // redone from x with (ε₀ + ε₁)/2
        double x2 = Transfer(x1b, (3 * e[2] - e[0]) / 2, 6, 4, a0);
        double x3 = Transfer(x2, (23 * e[3] - 16 * e[2] + 5 * e[0]) / 12, 4, 2, a0);
        double x4 = Transfer(x3, (55 * e[4] - 59 * e[3] + 37 * e[2] - 9 * e[0]) / 24, 2, 0, a0);
        double x5 = Transfer(x4, (55 * e[5] - 59 * e[4] + 37 * e[3] - 9 * e[2]) / 24, 0, -2, a0);
        double[] expected = [x1, x1b, x2, x3, x4, x5];
        for (int i = 0; i < 6; i++)
        {
            scheduler.Step([(float)e[i]], i, sample);
            Assert.Equal(expected[i], sample[0], 4);
        }
    }

    [Fact]
    public void V_prediction_converts_the_estimate_to_noise()
    {
        // e = sqrt(ᾱ_t)·v + sqrt(1 − ᾱ_t)·x
        var scheduler = new PndmScheduler(TinySchedule.Config with { PredictionType = PredictionType.VPrediction, SetAlphaToOne = true });
        scheduler.SetTimesteps(5);
        double at = TinySchedule.AlphaBar(8);
        double e = Math.Sqrt(at) * 0.3 + Math.Sqrt(1 - at) * 2;
        float[] sample = [2f];
        scheduler.Step([0.3f], 0, sample);
        Assert.Equal(Transfer(2, e, 8, 6, 1.0), sample[0], 4);
    }

    [Fact]
    public void Sample_prediction_is_refused_as_diffusers_does()
    {
        Assert.Throws<NotSupportedException>(() => new PndmScheduler(TinySchedule.Config with { PredictionType = PredictionType.Sample }));
    }
}
