using System.Reflection;

namespace Dice.Build.Tests;

/// <summary>Paths the build wrote into this assembly, and the platform facts the tests rely on.</summary>
internal static class BuildFacts
{
    /// <summary>The version need this project marks weak (build/LibTorchSharp.targets).</summary>
    public const string WeakVersion = "GLIBCXX_3.4.32";

    public const string LibStdCxx = "libstdc++.so.6";

    /// <summary>The TorchSharp package's folder in the NuGet cache.</summary>
    public static string TorchSharpPackageFolder => Metadata("TorchSharpPackageFolder");

    /// <summary>The untouched libLibTorchSharp.so in the NuGet cache.</summary>
    public static string CachedLibTorchSharp =>
        Path.Combine(TorchSharpPackageFolder, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    /// <summary>The copy this test project's build put beside it.</summary>
    public static string OutputLibTorchSharp =>
        Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    public static string RepositoryRoot => Metadata("RepositoryRoot");

    /// <summary>The host's libstdc++ lacks <see cref="WeakVersion"/> (Debian 12: it stops at GLIBCXX_3.4.30).</summary>
    public static bool SystemLacksWeakVersion =>
        SystemLibStdCxx.Find() is not { } path ||
        !ElfVersionNeeds.Parse(File.ReadAllBytes(path)).VersionDefinitions().Contains(WeakVersion);

    /// <summary>This host is Debian 12, the project's platform (/etc/os-release).</summary>
    public static bool IsDebian12 =>
        File.Exists("/etc/os-release") &&
        File.ReadAllLines("/etc/os-release") is var lines &&
        lines.Contains("ID=debian") && lines.Contains("VERSION_ID=\"12\"");

    private static string Metadata(string key) =>
        typeof(BuildFacts).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"the build did not record {key}");
}
