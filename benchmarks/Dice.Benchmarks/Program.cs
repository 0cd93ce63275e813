using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Dice.Benchmarks.DiceVsCfg;

namespace Dice.Benchmarks;

public static class Program
{
    /// <summary>
    /// Runs the suites picked by BenchmarkDotNet's own arguments (--filter, --job …); reports in Markdown and CSV
    /// land in benchmarks/results/. When DICE-vs-CFG suites ran, also writes benchmarks/results/dice-vs-cfg.md and
    /// .json. `random-sharpener …` instead writes a random sharpener folder (see <see cref="RandomSharpenerCommand"/>).
    /// </summary>
    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0] == RandomSharpenerCommand.Verb)
        {
            return RandomSharpenerCommand.Run(args[1..], Console.Out, Console.Error);
        }

        var results = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../results"));
        // The benchmark processes BenchmarkDotNet starts inherit this and leave their stage records there.
        var stages = Path.Combine(Path.GetTempPath(), $"dice-benchmark-stages-{Guid.NewGuid():N}");
        Environment.SetEnvironmentVariable(StageRecorder.EnvironmentVariable, stages);
        Environment.SetEnvironmentVariable(DiceVsCfgJobs.CommandLineJobVariable, DiceVsCfgJobs.NamesJob(args) ? "1" : null);
        try
        {
            // The default configuration already exports GitHub Markdown, CSV and HTML.
            var config = DefaultConfig.Instance.WithArtifactsPath(results);
            var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
            try
            {
                foreach (var model in DiceVsCfgSummary.Write(summaries, stages, results))
                {
                    Console.WriteLine($"DICE vs CFG: {model.Model} written to {Path.Combine(results, DiceVsCfgReportWriter.MarkdownFile)} and .json");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException
                                          or InvalidCastException or KeyNotFoundException or ArgumentException)
            {
                // BenchmarkDotNet's own reports are written by now; say why ours is missing.
                Console.Error.WriteLine($"DICE vs CFG report not written: {e}");
                return 1;
            }
            return 0;
        }
        finally
        {
            if (Directory.Exists(stages))
            {
                Directory.Delete(stages, recursive: true);
            }
        }
    }
}
