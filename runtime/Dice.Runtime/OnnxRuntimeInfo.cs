using System.Reflection;
using Microsoft.ML.OnnxRuntime;

namespace Dice.Runtime;

/// <summary>What the loaded ONNX Runtime is and can do (for `dice info` and diagnostics).</summary>
public static class OnnxRuntimeInfo
{
    private const string NativeLibraryFileName = "libonnxruntime.so";

    /// <summary>The NuGet package Dice was built against, e.g. "Microsoft.ML.OnnxRuntime.Gpu.Linux 1.32.0".</summary>
    public static string Package =>
        typeof(OnnxRuntimeInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "OnnxRuntimePackage")?.Value ?? "unknown";

    /// <summary>The native ONNX Runtime version, e.g. "1.32.0".</summary>
    public static string Version => OrtEnv.Instance().GetVersionString();

    /// <summary>The execution providers this ONNX Runtime build was compiled with, e.g. "CPUExecutionProvider".</summary>
    public static IReadOnlyList<string> AvailableProviders => OrtEnv.Instance().GetAvailableProviders();

    /// <summary>
    /// The folder libonnxruntime.so was loaded from: ONNX Runtime looks for provider libraries such as
    /// libonnxruntime_providers_cuda.so there.
    /// </summary>
    public static string NativeLibraryDirectory
    {
        get
        {
            _ = OrtEnv.Instance();
            return FindLoadedLibraryDirectory(NativeLibraryFileName) ?? AppContext.BaseDirectory;
        }
    }

    /// <summary>
    /// Why the CUDA execution provider cannot run device <paramref name="deviceId"/> here, or null when
    /// everything that can be checked without creating a session is in place. The checks are for Linux;
    /// elsewhere this returns null and ONNX Runtime has the last word.
    /// </summary>
    public static string? FindCudaProblem(int deviceId = 0) =>
        OperatingSystem.IsLinux() ? CudaProviderProbe.ForThisProcess().FindProblem(deviceId) : null;

    private static string? FindLoadedLibraryDirectory(string fileName)
    {
        const string mapsPath = "/proc/self/maps";
        if (!OperatingSystem.IsLinux() || !File.Exists(mapsPath))
        {
            return null;
        }

        // Each mapped file appears as "... /absolute/path/to/lib.so" at the end of a line.
        foreach (string line in File.ReadLines(mapsPath))
        {
            int pathStart = line.IndexOf('/', StringComparison.Ordinal);
            if (pathStart >= 0 && line.EndsWith("/" + fileName, StringComparison.Ordinal))
            {
                return Path.GetDirectoryName(line[pathStart..]);
            }
        }

        return null;
    }
}
