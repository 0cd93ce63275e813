using Dice.Core.Schedulers;

namespace Dice.Core.Tests.Schedulers;

/// <summary>
/// Published numbers from diffusers' tests/schedulers/test_scheduler_euler.py (EulerDiscreteSchedulerTest), whose
/// get_scheduler_config is num_train_timesteps 1100, beta_start 0.0001, beta_end 0.02, beta_schedule linear (the
/// rest diffusers' defaults: linspace spacing, final σ zero), with num_inference_steps 10.
/// </summary>
public sealed class EulerDiscreteSchedulerTests
{
    private static readonly SchedulerConfig DiffusersTestConfig = new()
    {
        Source = "test_scheduler_euler.py get_scheduler_config",
        NumTrainTimesteps = 1100,
        BetaStart = 0.0001,
        BetaEnd = 0.02,
        BetaSchedule = BetaSchedule.Linear,
    };

    /// <summary>
    /// The loop of test_full_loop_no_noise: sample = dummy_sample_deter · init_noise_sigma; per step
    /// sample = scale_model_input(sample, t) (the test keeps the scaled sample), model_output = model(sample, t),
    /// sample = step(model_output, t, sample).
    /// </summary>
    private static float[] FullLoop(SchedulerConfig config)
    {
        var scheduler = new EulerDiscreteScheduler(config);
        scheduler.SetTimesteps(10);
        var sample = DiffusersDummies.SampleDeter();
        for (int i = 0; i < sample.Length; i++)
        {
            sample[i] *= scheduler.InitNoiseSigma;
        }
        var output = new float[sample.Length];
        for (int i = 0; i < scheduler.StepCount; i++)
        {
            scheduler.ScaleModelInput(sample, i);
            DiffusersDummies.Model(sample, scheduler.Timesteps[i], output);
            scheduler.Step(output, i, sample);
        }
        return sample;
    }

    [Fact]
    public void Full_loop_matches_diffusers_test_full_loop_no_noise()
    {
        // test_full_loop_no_noise (and test_full_loop_device): abs(result_sum - 10.0807) < 1e-2,
        // abs(result_mean - 0.0131) < 1e-3
        var sample = FullLoop(DiffusersTestConfig);
        Assert.True(Math.Abs(DiffusersDummies.AbsSum(sample) - 10.0807) < 1e-2, $"sum {DiffusersDummies.AbsSum(sample)}");
        Assert.True(Math.Abs(DiffusersDummies.AbsMean(sample) - 0.0131) < 1e-3, $"mean {DiffusersDummies.AbsMean(sample)}");
    }

    [Fact]
    public void Full_loop_with_v_prediction_matches_diffusers()
    {
        // test_full_loop_with_v_prediction: abs(result_sum - 0.0002) < 1e-2, abs(result_mean - 2.2676e-06) < 1e-3
        var sample = FullLoop(DiffusersTestConfig with { PredictionType = PredictionType.VPrediction });
        Assert.True(Math.Abs(DiffusersDummies.AbsSum(sample) - 0.0002) < 1e-2, $"sum {DiffusersDummies.AbsSum(sample)}");
        Assert.True(Math.Abs(DiffusersDummies.AbsMean(sample) - 2.2676e-06) < 1e-3, $"mean {DiffusersDummies.AbsMean(sample)}");
    }

    [Fact]
    public void Sigmas_interpolate_the_training_noise_levels_at_fractional_timesteps()
    {
        // σ(t) = sqrt((1 − ᾱ_t) / ᾱ_t), np.interp between the integer timesteps around t; σ_last = 0.
        var scheduler = new EulerDiscreteScheduler(DiffusersTestConfig);
        scheduler.SetTimesteps(10);
        var alphas = scheduler.AlphasCumprod.ToArray();
        double Sigma(int t) => Math.Sqrt((1 - alphas[t]) / alphas[t]);

        Assert.Equal(1099f, scheduler.Timesteps[0]);
        Assert.Equal(0f, scheduler.Timesteps[^1]);
        for (int i = 0; i < scheduler.StepCount; i++)
        {
            double t = scheduler.Timesteps[i];
            int low = (int)Math.Floor(t);
            int high = Math.Min(low + 1, 1099);
            double expected = Sigma(low) + (t - low) * (Sigma(high) - Sigma(low));
            Assert.Equal(expected, scheduler.Sigmas[i], 9);
        }
        Assert.Equal(0.0, scheduler.Sigmas[^1]);
        Assert.Equal((float)Sigma(1099), scheduler.InitNoiseSigma);
    }

    [Fact]
    public void Model_input_is_divided_by_the_root_of_sigma_squared_plus_one()
    {
        var scheduler = new EulerDiscreteScheduler(DiffusersTestConfig);
        scheduler.SetTimesteps(10);
        float[] input = [1f, -2f, 3f];

        scheduler.ScaleModelInput(input, 3);

        double sigma = scheduler.Sigmas[3];
        Assert.Equal(1 / Math.Sqrt(sigma * sigma + 1), input[0], 6);
        Assert.Equal(-2 / Math.Sqrt(sigma * sigma + 1), input[1], 6);
        Assert.Equal(3 / Math.Sqrt(sigma * sigma + 1), input[2], 6);
    }

    [Fact]
    public void Add_noise_adds_sigma_times_the_noise()
    {
        var scheduler = new EulerDiscreteScheduler(DiffusersTestConfig);
        scheduler.SetTimesteps(10);
        float[] original = [1f, 2f];
        float[] noise = [0.5f, -1f];
        var noisy = new float[2];

        scheduler.AddNoise(original, noise, 4, noisy);

        Assert.Equal(1 + 0.5 * scheduler.Sigmas[4], noisy[0], 5);
        Assert.Equal(2 - scheduler.Sigmas[4], noisy[1], 5);
    }
}
