using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace Dice.Benchmarks;

public static class Program
{
    /// <summary>Runs the suites picked by BenchmarkDotNet's own arguments (--filter, --job …); reports in
    /// Markdown and CSV land in benchmarks/results/.</summary>
    public static void Main(string[] args)
    {
        var results = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../results"));
        // The default configuration already exports GitHub Markdown, CSV and HTML.
        var config = DefaultConfig.Instance.WithArtifactsPath(results);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
