namespace Dice.Benchmarks;

/// <summary>Locates the repository (BenchmarkDotNet runs each suite from a generated folder under bin/).</summary>
internal static class RepositoryPaths
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Dice.sln")))
                {
                    return dir.FullName;
                }
            }
            throw new DirectoryNotFoundException($"no Dice.sln above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>Generated models used by the benchmarks (ignored by git).</summary>
    public static string Models => Path.Combine(Root, "benchmarks", ".models");
}
