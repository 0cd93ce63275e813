using System.Text.RegularExpressions;
using Dice.Runtime;

namespace Dice.Runtime.Tests;

public sealed class OnnxRuntimeInfoTests
{
    [Fact]
    public void Reports_the_package_pinned_in_directory_packages_props()
    {
        string pinned = PinnedVersion("Microsoft.ML.OnnxRuntime.Gpu.Linux");

        Assert.Equal($"Microsoft.ML.OnnxRuntime.Gpu.Linux {pinned}", OnnxRuntimeInfo.Package);
        // The package's native library is the release the package is named after.
        Assert.Equal(pinned, OnnxRuntimeInfo.Version);
    }

    [Fact]
    public void Lists_the_cpu_execution_provider()
    {
        Assert.Contains("CPUExecutionProvider", OnnxRuntimeInfo.AvailableProviders);
    }

    [Fact]
    public void Finds_the_folder_the_native_library_was_loaded_from()
    {
        string directory = OnnxRuntimeInfo.NativeLibraryDirectory;

        Assert.True(File.Exists(Path.Combine(directory, "libonnxruntime.so")), directory);
        Assert.True(File.Exists(Path.Combine(directory, "libonnxruntime_providers_shared.so")), directory);
    }

    [Fact]
    public void Telemetry_is_switched_off_in_the_native_environment()
    {
        _ = OnnxRuntimeInfo.Version;

        Assert.Equal("1", OnnxRuntimeTelemetry.NativeValue);
    }

    private static string PinnedVersion(string package)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")))
        {
            dir = dir.Parent;
        }
        Assert.NotNull(dir);
        string props = File.ReadAllText(Path.Combine(dir.FullName, "Directory.Packages.props"));
        Match match = Regex.Match(props, $"<PackageVersion Include=\"{Regex.Escape(package)}\" Version=\"([^\"]+)\"");
        Assert.True(match.Success, $"{package} is not pinned in Directory.Packages.props");
        return match.Groups[1].Value;
    }
}
