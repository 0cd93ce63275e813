using Dice.Core.Schedulers;

namespace Dice.Core.Tests.Schedulers;

public sealed class SchedulerConfigTests
{
    [Fact]
    public void Reads_the_stable_diffusion_15_file_and_ignores_keys_it_does_not_know()
    {
        var config = SchedulerConfig.Parse(StableDiffusion15TimestepTests.ClassicConfig, "sd15.json");

        Assert.Equal("sd15.json", config.Source);
        Assert.Equal("PNDMScheduler", config.ClassName);
        Assert.Equal(1000, config.NumTrainTimesteps);
        Assert.Equal(0.00085, config.BetaStart);
        Assert.Equal(0.012, config.BetaEnd);
        Assert.Equal(BetaSchedule.ScaledLinear, config.BetaSchedule);
        Assert.Equal(1, config.StepsOffset);
        Assert.False(config.SetAlphaToOne);
        Assert.False(config.ClipSample);
        Assert.Null(config.TrainedBetas);
        Assert.Null(config.TimestepSpacing);
        Assert.Null(config.PredictionType);
    }

    [Fact]
    public void Absent_keys_take_each_target_schedulers_own_defaults()
    {
        // diffusers' defaults: DPMSolverMultistepScheduler timestep_spacing "linspace", solver_order 2, solver_type
        // "midpoint", lower_order_final True, final_sigmas_type "zero"; EulerDiscreteScheduler "linspace", "zero";
        // DDIMScheduler "leading", clip_sample True, set_alpha_to_one True, clip_sample_range 1.0; all of them
        // num_train_timesteps 1000, linear betas, prediction_type "epsilon", steps_offset 0.
        var dpm = new DpmSolverMultistepScheduler(SchedulerConfig.Empty);
        var euler = new EulerDiscreteScheduler(SchedulerConfig.Empty);
        var ddim = new DdimScheduler(SchedulerConfig.Empty);

        Assert.Equal(TimestepSpacing.Linspace, dpm.TimestepSpacing);
        Assert.Equal(2, dpm.SolverOrder);
        Assert.Equal(DpmSolverType.Midpoint, dpm.SolverType);
        Assert.True(dpm.LowerOrderFinal);
        Assert.False(dpm.EulerAtFinal);
        Assert.Equal(FinalSigmasType.Zero, dpm.FinalSigmasType);
        Assert.Equal(double.NegativeInfinity, dpm.LambdaMinClipped);

        Assert.Equal(TimestepSpacing.Linspace, euler.TimestepSpacing);
        Assert.Equal(FinalSigmasType.Zero, euler.FinalSigmasType);

        Assert.Equal(TimestepSpacing.Leading, ddim.TimestepSpacing);
        Assert.True(ddim.ClipSample);
        Assert.True(ddim.SetAlphaToOne);
        Assert.Equal(1.0, ddim.ClipSampleRange);
        Assert.Equal(1.0, ddim.FinalAlphaCumprod);

        foreach (INoiseScheduler scheduler in new INoiseScheduler[] { dpm, euler, ddim })
        {
            Assert.Equal(1000, scheduler.NumTrainTimesteps);
            Assert.Equal(PredictionType.Epsilon, scheduler.PredictionType);
        }
        Assert.Equal(0, dpm.StepsOffset);
        Assert.Equal(0, euler.StepsOffset);
        Assert.Equal(0, ddim.StepsOffset);
        // Linear betas 0.0001 → 0.02: ᾱ_0 = 1 − 0.0001.
        Assert.Equal(1 - 0.0001, dpm.AlphasCumprod[0], 15);
        Assert.Equal((1 - 0.0001) * (1 - (0.0001 + 0.0199 / 999)), euler.AlphasCumprod[1], 15);
    }

    [Fact]
    public void Keys_present_in_the_file_carry_over_to_every_scheduler()
    {
        var config = SchedulerConfig.Parse(StableDiffusion15TimestepTests.LeadingConfig);
        var ddim = new DdimScheduler(config);
        var dpm = new DpmSolverMultistepScheduler(config);

        Assert.Equal(TimestepSpacing.Leading, dpm.TimestepSpacing);
        Assert.Equal(1, dpm.StepsOffset);
        Assert.False(ddim.ClipSample);
        Assert.False(ddim.SetAlphaToOne);
        Assert.Equal(ddim.AlphasCumprod[0], ddim.FinalAlphaCumprod);
        // Scaled-linear betas: sqrt(β) evenly spaced from sqrt(0.00085) to sqrt(0.012).
        Assert.Equal(1 - 0.00085, ddim.AlphasCumprod[0], 15);
        double lastBeta = 1 - ddim.AlphasCumprod[999] / ddim.AlphasCumprod[998];
        Assert.Equal(0.012, lastBeta, 12);
    }

    [Theory]
    [InlineData("beta_schedule", "cosine")]
    [InlineData("prediction_type", "x0")]
    [InlineData("timestep_spacing", "uniform")]
    [InlineData("final_sigmas_type", "one")]
    [InlineData("solver_type", "rk4")]
    public void Unknown_values_are_rejected_naming_the_key_value_and_file(string key, string value)
    {
        using var folder = new TempDirectory();
        var schedulerFolder = Directory.CreateDirectory(Path.Combine(folder.Path, SchedulerConfig.FolderName)).FullName;
        var path = Path.Combine(schedulerFolder, SchedulerConfig.FileName);
        File.WriteAllText(path, $$"""{ "num_train_timesteps": 1000, "{{key}}": "{{value}}" }""");

        var error = Assert.Throws<InvalidDataException>(() => SchedulerConfig.FromModelFolder(folder.Path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "num_train_timesteps": "many" }""", "num_train_timesteps")]
    [InlineData("""{ "num_train_timesteps": 10.5 }""", "num_train_timesteps")]
    [InlineData("""{ "beta_start": true }""", "beta_start")]
    [InlineData("""{ "clip_sample": "no" }""", "clip_sample")]
    [InlineData("""{ "trained_betas": 0.1 }""", "trained_betas")]
    [InlineData("""{ "beta_schedule": 3 }""", "beta_schedule")]
    public void Values_of_the_wrong_type_are_rejected(string json, string key)
    {
        var error = Assert.Throws<InvalidDataException>(() => SchedulerConfig.Parse(json, "bad.json"));
        Assert.Contains("bad.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_json_and_non_objects_are_rejected()
    {
        Assert.Throws<InvalidDataException>(() => SchedulerConfig.Parse("{ \"beta_start\": ", "x.json"));
        Assert.Throws<InvalidDataException>(() => SchedulerConfig.Parse("[1, 2]", "x.json"));
    }

    [Fact]
    public void A_missing_file_names_the_path()
    {
        using var folder = new TempDirectory();
        var error = Assert.Throws<FileNotFoundException>(() => SchedulerConfig.FromModelFolder(folder.Path));
        Assert.Contains(Path.Combine(folder.Path, "scheduler", "scheduler_config.json"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_a_dpm_solver_file_as_diffusers_saves_it_with_minus_infinity()
    {
        // Python's json writes lambda_min_clipped = -inf as the bare token -Infinity.
        const string json = """
            {
              "_class_name": "DPMSolverMultistepScheduler",
              "_diffusers_version": "0.21.0",
              "algorithm_type": "dpmsolver++",
              "beta_end": 0.012,
              "beta_schedule": "scaled_linear",
              "beta_start": 0.00085,
              "dynamic_thresholding_ratio": 0.995,
              "euler_at_final": false,
              "lambda_min_clipped": -Infinity,
              "lower_order_final": true,
              "num_train_timesteps": 1000,
              "prediction_type": "v_prediction",
              "sample_max_value": 1.0,
              "solver_order": 2,
              "solver_type": "midpoint",
              "steps_offset": 1,
              "thresholding": false,
              "timestep_spacing": "linspace",
              "trained_betas": null,
              "use_karras_sigmas": false,
              "variance_type": null,
              "note": "NaN and Infinity inside strings stay strings"
            }
            """;
        var config = SchedulerConfig.Parse(json);
        var scheduler = new DpmSolverMultistepScheduler(config);

        Assert.Equal(double.NegativeInfinity, config.LambdaMinClipped);
        Assert.Equal(PredictionType.VPrediction, scheduler.PredictionType);
        Assert.False(config.UseKarrasSigmas);
        scheduler.SetTimesteps(20);
        Assert.Equal(999f, scheduler.Timesteps[0]);
    }

    [Fact]
    public void Non_finite_tokens_inside_strings_are_left_alone()
    {
        const string json = """{ "a": "-Infinity \" NaN", "b": [Infinity, NaN] }""";
        Assert.Equal("""{ "a": "-Infinity \" NaN", "b": ["Infinity", "NaN"] }""", SchedulerConfig.QuoteNonFiniteNumbers(json));
    }

    [Fact]
    public void Trained_betas_replace_the_beta_schedule()
    {
        var betas = Enumerable.Range(0, 10).Select(i => 0.01 * (i + 1)).ToArray();
        var config = SchedulerConfig.Parse($$"""{ "num_train_timesteps": 10, "trained_betas": [{{string.Join(", ", betas.Select(b => b.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}}] }""");
        var ddim = new DdimScheduler(config);

        double product = 1;
        for (int t = 0; t < 10; t++)
        {
            product *= 1 - betas[t];
            Assert.Equal(product, ddim.AlphasCumprod[t], 15);
        }

        var mismatch = SchedulerConfig.Parse("""{ "trained_betas": [0.1, 0.2] }""", "short.json");
        var error = Assert.Throws<InvalidDataException>(() => new EulerDiscreteScheduler(mismatch));
        Assert.Contains("short.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("1000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cosine_betas_follow_the_squared_cosine_alpha_bar()
    {
        // squaredcos_cap_v2: β_i = min(1 − ᾱ((i + 1)/T) / ᾱ(i/T), 0.999), ᾱ(t) = cos²((t + 0.008) / 1.008 · π/2),
        // so ᾱ_t = ᾱ((t + 1)/T) / ᾱ(0) while no beta is capped.
        var config = new SchedulerConfig { BetaSchedule = BetaSchedule.SquaredCosCapV2 };
        var scheduler = new DdimScheduler(config);
        static double AlphaBar(double t) => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2);

        Assert.Equal(AlphaBar(1 / 1000.0) / AlphaBar(0), scheduler.AlphasCumprod[0], 12);
        Assert.Equal(AlphaBar(500 / 1000.0) / AlphaBar(0), scheduler.AlphasCumprod[499], 10);
        // The last beta is capped at 0.999.
        Assert.Equal(0.999, 1 - scheduler.AlphasCumprod[999] / scheduler.AlphasCumprod[998], 12);
    }

    [Theory]
    [InlineData("ddim", """{ "thresholding": true }""", "thresholding")]
    [InlineData("dpmpp-2m", """{ "thresholding": true }""", "thresholding")]
    [InlineData("dpmpp-2m", """{ "use_lu_lambdas": true }""", "use_lu_lambdas")]
    [InlineData("euler", """{ "use_exponential_sigmas": true }""", "use_exponential_sigmas")]
    [InlineData("dpmpp-2m", """{ "solver_order": 3 }""", "solver_order")]
    [InlineData("dpmpp-2m", """{ "algorithm_type": "dpmsolver" }""", "algorithm_type")]
    [InlineData("dpmpp-2m-sde", """{ "solver_order": 3 }""", "solver_order")]
    [InlineData("euler", """{ "interpolation_type": "log_linear" }""", "interpolation_type")]
    [InlineData("euler", """{ "rescale_betas_zero_snr": true }""", "rescale_betas_zero_snr")]
    public void Features_dice_does_not_implement_are_refused_by_the_schedulers_that_would_use_them(string name, string json, string key)
    {
        var config = SchedulerConfig.Parse(json, "features.json");
        var error = Assert.Throws<NotSupportedException>(() => SchedulerFactory.Create(name, config));
        Assert.Contains("features.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_a_scheduler_does_not_have_are_ignored_by_it()
    {
        // diffusers' EulerDiscreteScheduler has no thresholding or clip_sample: from_config drops them.
        var config = SchedulerConfig.Parse("""{ "thresholding": true, "clip_sample": true, "solver_order": 3 }""");
        var euler = SchedulerFactory.Create("euler", config);
        euler.SetTimesteps(10);
        Assert.Equal(10, euler.StepCount);
    }

    [Theory]
    [InlineData("""{ "num_train_timesteps": 0 }""", "num_train_timesteps")]
    [InlineData("""{ "steps_offset": -1 }""", "steps_offset")]
    [InlineData("""{ "beta_end": 1.5 }""", "beta")]
    [InlineData("""{ "beta_start": 0.00085, "beta_end": 0.0001 }""", "'beta_end' is 0.0001, below beta_start 0.00085")]
    [InlineData("""{ "beta_start": 0.05 }""", "'beta_end' is 0.02, below beta_start 0.05")]
    [InlineData("""{ "beta_start": 0.00085, "beta_end": 0.0001, "beta_schedule": "scaled_linear" }""", "'beta_end' is 0.0001")]
    [InlineData("""{ "solver_order": 0 }""", "solver_order")]
    [InlineData("""{ "algorithm_type": "magic" }""", "magic")]
    public void Out_of_range_values_are_rejected(string json, string expected)
    {
        var config = SchedulerConfig.Parse(json, "range.json");
        var error = Assert.Throws<InvalidDataException>(() => new DpmSolverMultistepScheduler(config));
        Assert.Contains("range.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
