using System.Text;
using Dice.Core.Schedulers;
using Dice.Tests.Shared.Fuzzing;

namespace Dice.Core.Tests.Schedulers;

/// <summary>
/// Seeded fuzzing of scheduler_config.json, read from every model folder: every mutated configuration parses, or is
/// refused with an <see cref="InvalidDataException"/> naming the file, the one type SchedulerConfig documents.
/// </summary>
public class SchedulerConfigFuzzTests
{
    public const int Iterations = 4000;

    // A diffusers DPM-Solver++ configuration as diffusers saves it (Infinity unquoted), with trained betas.
    private const string Sample = """
        {
          "_class_name": "DPMSolverMultistepScheduler",
          "_diffusers_version": "0.30.0",
          "algorithm_type": "dpmsolver++",
          "beta_end": 0.012,
          "beta_schedule": "scaled_linear",
          "beta_start": 0.00085,
          "clip_sample": false,
          "euler_at_final": false,
          "final_sigmas_type": "zero",
          "lambda_min_clipped": -Infinity,
          "lower_order_final": true,
          "num_train_timesteps": 1000,
          "prediction_type": "epsilon",
          "solver_order": 2,
          "solver_type": "midpoint",
          "steps_offset": 1,
          "timestep_spacing": "leading",
          "trained_betas": [0.0001, 0.0002, 0.0003],
          "use_karras_sigmas": true
        }
        """;

    [Fact]
    public void Mutated_scheduler_configs_parse_or_are_refused_with_invalid_data()
    {
        var outcome = FuzzLoop.Run("SchedulerConfig.Parse", Iterations, (seed, i) => TextMutator.Mutate(Sample, seed, i),
            bytes => SchedulerConfig.Parse(Encoding.UTF8.GetString(bytes), "fuzz/scheduler_config.json"), typeof(InvalidDataException));

        Assert.Equal(1000, SchedulerConfig.Parse(Sample).NumTrainTimesteps);
        Assert.True(outcome.Refused > 0 && outcome.Parsed > 0, $"{outcome}: the mutations should reach both outcomes");
    }

    [Theory]
    // Found by the fuzzer: JsonDocument reads a lone surrogate escape and throws InvalidOperationException only when
    // the string is read.
    [InlineData("{\"beta_start\": \"\\ud800\"}")]
    [InlineData("{\"_class_name\": \"\\udc00\"}")]
    public void A_string_that_is_not_valid_Unicode_is_refused_with_invalid_data(string json)
    {
        var e = Assert.Throws<InvalidDataException>(() => SchedulerConfig.Parse(json, "bad/scheduler_config.json"));

        Assert.StartsWith("bad/scheduler_config.json: ", e.Message, StringComparison.Ordinal);
    }
}
