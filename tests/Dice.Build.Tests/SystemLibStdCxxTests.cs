using static TorchSharp.torch;

namespace Dice.Build.Tests;

public sealed class SystemLibStdCxxTests
{
    /// <summary>On Debian 12 (libstdc++ of GCC 12) the newest GLIBCXX version is 3.4.30: the reason for the patch.</summary>
    [Fact]
    public void The_system_libstdcxx_is_found_and_its_versions_read()
    {
        var path = SystemLibStdCxx.Find();

        Assert.NotNull(path);
        Assert.True(File.Exists(path), path);
        var defined = ElfVersionNeeds.Parse(File.ReadAllBytes(path)).VersionDefinitions();
        Assert.Contains("GLIBCXX_3.4", defined);
        Assert.Contains("CXXABI_1.3", defined);
        if (BuildFacts.IsDebian12)
        {
            Assert.Contains("GLIBCXX_3.4.30", defined);
            Assert.DoesNotContain("GLIBCXX_3.4.31", defined);
            Assert.DoesNotContain(BuildFacts.WeakVersion, defined);
            Assert.True(BuildFacts.SystemLacksWeakVersion);
        }
        else
        {
            Assert.Equal(!defined.Contains(BuildFacts.WeakVersion), BuildFacts.SystemLacksWeakVersion);
        }
    }

    [Fact]
    public void The_copy_found_is_the_one_the_loader_maps_for_torchsharp()
    {
        using var loaded = ones(1);

        var mapped = File.ReadLines("/proc/self/maps").Select(l => l[(l.IndexOf('/', StringComparison.Ordinal) + 1)..])
            .Where(p => Path.GetFileName(p).StartsWith("libstdc++.so.6", StringComparison.Ordinal)).Select(p => "/" + p).Distinct().ToList();

        // The same file: /lib may be a link to /usr/lib, and libstdc++.so.6 to libstdc++.so.6.0.NN.
        Assert.Equal([Identity(SystemLibStdCxx.Find()!)], mapped.Select(Identity));
    }

    private static string Identity(string path)
    {
        var start = new System.Diagnostics.ProcessStartInfo("stat", ["-L", "-c", "%d:%i", path]) { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        var identity = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return identity;
    }
}
