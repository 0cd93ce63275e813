using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace Dice.Benchmarks.DiceVsCfg;

/// <summary>
/// The jobs of the DICE-vs-CFG suites. A job named on the command line (`--job Dry`, `--job short` …) replaces them
/// instead of running beside them: Program sets <see cref="CommandLineJobVariable"/> and the configs below then add
/// no job of their own.
/// </summary>
public static class DiceVsCfgJobs
{
    public const string CommandLineJobVariable = "DICE_BENCHMARK_COMMAND_LINE_JOB";

    public static bool FromCommandLine => Environment.GetEnvironmentVariable(CommandLineJobVariable) == "1";

    /// <summary>Whether BenchmarkDotNet's arguments name a job (--job X, --job=X, -j X).</summary>
    public static bool NamesJob(IEnumerable<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Any(a => a is "--job" or "-j" || a.StartsWith("--job=", StringComparison.Ordinal));
    }
}

/// <summary>
/// For operations well under a few seconds (dice-mini's pipeline, the text encoders): one launch, 2 warm-up and 10
/// measured iterations of about 0.5 s each (BenchmarkDotNet's pilot picks the invocations per iteration; unroll
/// factor 1 so that an iteration can be a single generation).
/// </summary>
public sealed class ShortJobConfig : ManualConfig
{
    public ShortJobConfig()
    {
        if (!DiceVsCfgJobs.FromCommandLine)
        {
            AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(10).WithUnrollFactor(1).WithId("DiceVsCfgShort"));
        }
    }
}

/// <summary>
/// For SD1.5 generations (half a minute to two minutes each on 2 cores): one launch and 3 measured generations, one
/// per iteration. No warm-up iterations: BenchmarkDotNet's first (jitting) call is already a whole untimed generation,
/// after the case's untimed 1-step one, so every session has run at the case's shapes twice before timing starts.
/// </summary>
public sealed class Sd15JobConfig : ManualConfig
{
    public Sd15JobConfig()
    {
        if (!DiceVsCfgJobs.FromCommandLine)
        {
            AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(0).WithIterationCount(3).WithInvocationCount(1).WithUnrollFactor(1)
                .WithId("DiceVsCfgSd15"));
        }
    }
}
