using Dice.Core.Schedulers;
using Dice.Trainer.Teacher;

namespace Dice.Trainer.Tests.Sharpener;

/// <summary>The forward process sharpener training takes from the teacher's scheduler_config.json.</summary>
public sealed class TeacherScheduleTests
{
    private static DiffusionNoiseSchedule Read(string json) =>
        DiffusionNoiseSchedule.FromSchedulerConfig(SchedulerConfig.Parse(json, "teacher/scheduler/scheduler_config.json"));

    [Fact]
    public void Stable_diffusions_scaled_linear_schedule_ends_at_its_published_terminal_signal()
    {
        var schedule = Read("""{"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012, "num_train_timesteps": 1000}""");
        Assert.Equal(1000, schedule.TrainTimesteps);
        Assert.Equal(PredictionType.Epsilon, schedule.PredictionType);
        // ᾱ_0 = 1 − β_0 = 1 − 0.00085; √ᾱ_999 = 0.068265 (Lin et al. 2024, "Common diffusion noise schedules and
        // sample steps are flawed", Table 1, Stable Diffusion).
        Assert.Equal(1 - 0.00085, schedule.AlphasCumprod[0], 1e-7);
        Assert.Equal(0.068265, Math.Sqrt(schedule.AlphasCumprod[999]), 1e-5);
        Assert.Equal(DiffusionNoiseSchedule.StableDiffusion15.AlphasCumprod, schedule.AlphasCumprod);
    }

    [Fact]
    public void The_linear_schedule_is_the_default_and_matches_its_definition()
    {
        // DDPMScheduler's defaults: linear betas 0.0001 → 0.02 over 1000 steps, epsilon prediction.
        var schedule = Read("{}");
        Assert.Equal(BetaSchedule.Linear, schedule.BetaSchedule);
        Assert.Equal(PredictionType.Epsilon, schedule.PredictionType);
        var product = 1.0;
        for (var t = 0; t < 1000; t++)
        {
            product *= 1 - (0.0001 + ((0.02 - 0.0001) * t / 999));
            Assert.Equal(product, schedule.AlphasCumprod[t], Math.Max(1e-6, product * 1e-4));
        }
        // Ho et al.'s DDPM schedule ends with √ᾱ_T = 0.006353 (Lin et al., Table 1, "linear").
        Assert.Equal(0.006353, Math.Sqrt(schedule.AlphasCumprod[999]), 2e-6);
    }

    [Fact]
    public void The_cosine_schedule_telescopes_to_the_ratio_of_its_alpha_bar_function()
    {
        // Π_{i ≤ t} ᾱ((i + 1)/N) / ᾱ(i/N) = ᾱ((t + 1)/N) / ᾱ(0), ᾱ(s) = cos²((s + 0.008)/1.008 · π/2), while no beta hits the 0.999 cap.
        var schedule = Read("""{"beta_schedule": "squaredcos_cap_v2", "num_train_timesteps": 1000, "prediction_type": "v_prediction"}""");
        Assert.Equal(PredictionType.VPrediction, schedule.PredictionType);
        static double AlphaBar(double s) => Math.Pow(Math.Cos((s + 0.008) / 1.008 * Math.PI / 2), 2);
        foreach (var t in new[] { 0, 250, 500, 900 })
        {
            var expected = AlphaBar((t + 1) / 1000.0) / AlphaBar(0);
            Assert.Equal(expected, schedule.AlphasCumprod[t], expected * 1e-4);
        }
    }

    [Fact]
    public void Zero_terminal_snr_rescaling_is_refused_with_the_reason()
    {
        var error = Assert.Throws<InvalidDataException>(() => Read("""{"beta_schedule": "scaled_linear", "rescale_betas_zero_snr": true}"""));
        Assert.StartsWith("teacher/scheduler/scheduler_config.json: rescale_betas_zero_snr is true", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void An_unknown_beta_schedule_is_refused_naming_the_key_and_the_choices()
    {
        var error = Assert.Throws<InvalidDataException>(() => Read("""{"beta_schedule": "sigmoid"}"""));
        Assert.Contains("beta_schedule", error.Message, StringComparison.Ordinal);
        Assert.Contains("sigmoid", error.Message, StringComparison.Ordinal);
        Assert.Contains("scaled_linear", error.Message, StringComparison.Ordinal);
    }
}
