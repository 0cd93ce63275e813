using Dice.Core.Schedulers;

namespace Dice.Core.Tests.Schedulers;

/// <summary>
/// Published numbers from diffusers' tests/schedulers/test_scheduler_ddim.py (DDIMSchedulerTest), whose
/// get_scheduler_config is num_train_timesteps 1000, beta_start 0.0001, beta_end 0.02, beta_schedule linear,
/// clip_sample True (the rest DDIMScheduler's defaults: leading spacing, steps_offset 0, set_alpha_to_one True);
/// full_loop runs 10 steps with eta 0 of model = dummy_model on dummy_sample_deter.
/// </summary>
public sealed class DdimSchedulerTests
{
    private static readonly SchedulerConfig DiffusersTestConfig = new()
    {
        Source = "test_scheduler_ddim.py get_scheduler_config",
        NumTrainTimesteps = 1000,
        BetaStart = 0.0001,
        BetaEnd = 0.02,
        BetaSchedule = BetaSchedule.Linear,
        ClipSample = true,
    };

    private static float[] FullLoop(SchedulerConfig config, int start = 0, bool addNoise = false)
    {
        var scheduler = new DdimScheduler(config);
        scheduler.SetTimesteps(10);
        var sample = DiffusersDummies.SampleDeter();
        if (addNoise)
        {
            scheduler.AddNoise(sample, DiffusersDummies.NoiseDeter(), start, sample);
        }
        var output = new float[sample.Length];
        for (int i = start; i < scheduler.StepCount; i++)
        {
            DiffusersDummies.Model(sample, scheduler.Timesteps[i], output);
            scheduler.Step(output, i, sample);
        }
        return sample;
    }

    private static void AssertSumAndMean(float[] sample, double sum, double mean)
    {
        Assert.True(Math.Abs(DiffusersDummies.AbsSum(sample) - sum) < 1e-2, $"sum {DiffusersDummies.AbsSum(sample)}, expected {sum}");
        Assert.True(Math.Abs(DiffusersDummies.AbsMean(sample) - mean) < 1e-3, $"mean {DiffusersDummies.AbsMean(sample)}, expected {mean}");
    }

    [Fact]
    public void Full_loop_matches_diffusers_test_full_loop_no_noise()
    {
        // test_full_loop_no_noise: abs(result_sum - 172.0067) < 1e-2, abs(result_mean - 0.223967) < 1e-3
        AssertSumAndMean(FullLoop(DiffusersTestConfig), 172.0067, 0.223967);
    }

    [Fact]
    public void Full_loop_with_v_prediction_matches_diffusers()
    {
        // test_full_loop_with_v_prediction: abs(result_sum - 52.5302) < 1e-2, abs(result_mean - 0.0684) < 1e-3
        AssertSumAndMean(FullLoop(DiffusersTestConfig with { PredictionType = PredictionType.VPrediction }), 52.5302, 0.0684);
    }

    [Fact]
    public void Full_loop_with_set_alpha_to_one_matches_diffusers()
    {
        // test_full_loop_with_set_alpha_to_one: full_loop(set_alpha_to_one=True, beta_start=0.01);
        // abs(result_sum - 149.8295) < 1e-2, abs(result_mean - 0.1951) < 1e-3
        AssertSumAndMean(FullLoop(DiffusersTestConfig with { SetAlphaToOne = true, BetaStart = 0.01 }), 149.8295, 0.1951);
    }

    [Fact]
    public void Full_loop_without_set_alpha_to_one_matches_diffusers()
    {
        // test_full_loop_with_no_set_alpha_to_one: full_loop(set_alpha_to_one=False, beta_start=0.01);
        // abs(result_sum - 149.0784) < 1e-2, abs(result_mean - 0.1941) < 1e-3
        AssertSumAndMean(FullLoop(DiffusersTestConfig with { SetAlphaToOne = false, BetaStart = 0.01 }), 149.0784, 0.1941);
    }

    [Fact]
    public void Full_loop_with_noise_matches_diffusers()
    {
        // test_full_loop_with_noise: t_start = 8, add_noise(dummy_sample_deter, dummy_noise_deter, timesteps[8]),
        // then steps 8 and 9; abs(result_sum - 354.5418) < 1e-2, abs(result_mean - 0.4616) < 1e-3
        AssertSumAndMean(FullLoop(DiffusersTestConfig, start: 8, addNoise: true), 354.5418, 0.4616);
    }

    [Fact]
    public void Steps_offset_shifts_leading_timesteps_as_in_diffusers()
    {
        // test_steps_offset: get_scheduler_config(steps_offset=1), set_timesteps(5) → [801, 601, 401, 201, 1]
        var scheduler = new DdimScheduler(DiffusersTestConfig with { StepsOffset = 1 });
        scheduler.SetTimesteps(5);
        Assert.Equal([801f, 601f, 401f, 201f, 1f], scheduler.Timesteps.ToArray());
    }

    [Fact]
    public void Clipping_limits_the_predicted_sample()
    {
        // One step from t = 900 (10 leading steps) with x₀ = (x − sqrt(1 − ᾱ_t)·ε) / sqrt(ᾱ_t) clipped to ±range and
        // x_prev = sqrt(ᾱ_prev)·x₀ + sqrt(1 − ᾱ_prev)·ε, ᾱ_prev = ᾱ_800.
        foreach (bool clip in new[] { false, true })
        {
            var scheduler = new DdimScheduler(DiffusersTestConfig with { ClipSample = clip, ClipSampleRange = 0.5 });
            scheduler.SetTimesteps(10);
            Assert.Equal(900f, scheduler.Timesteps[0]);
            float[] sample = [3f, -3f, 0.1f];
            float[] epsilon = [0.2f, -0.1f, 0.05f];
            double alphaT = scheduler.AlphasCumprod[900], alphaPrevious = scheduler.AlphasCumprod[800];
            var expected = sample.Select((x, i) =>
            {
                double x0 = (x - Math.Sqrt(1 - alphaT) * epsilon[i]) / Math.Sqrt(alphaT);
                if (clip)
                {
                    x0 = Math.Clamp(x0, -0.5, 0.5);
                }
                return Math.Sqrt(alphaPrevious) * x0 + Math.Sqrt(1 - alphaPrevious) * epsilon[i];
            }).ToArray();

            scheduler.Step(epsilon, 0, sample);

            for (int i = 0; i < sample.Length; i++)
            {
                Assert.Equal(expected[i], sample[i], 4);
            }
        }
    }

    [Fact]
    public void Timesteps_beyond_training_are_rejected()
    {
        // Leading spacing with 1000 steps and steps_offset 1 reaches timestep 1000.
        var scheduler = new DdimScheduler(DiffusersTestConfig with { StepsOffset = 1 });
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SetTimesteps(1000));
        Assert.Contains("1000", error.Message, StringComparison.Ordinal);
    }
}
