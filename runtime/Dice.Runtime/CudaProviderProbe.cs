using System.Runtime.InteropServices;

namespace Dice.Runtime;

/// <summary>
/// Checks, before ONNX Runtime is asked for the CUDA execution provider, that everything it will load
/// is there: the provider library beside libonnxruntime.so, the host's CUDA 13 and cuDNN 9 libraries,
/// and the GPU itself. Asking ONNX Runtime without them fails deep inside it with a dlopen message at best.
/// </summary>
internal sealed class CudaProviderProbe
{
    public const string ProviderLibraryFileName = "libonnxruntime_providers_cuda.so";
    public const string ProviderPackage = "Microsoft.ML.OnnxRuntime.Gpu.Linux";

    /// <summary>The sonames libonnxruntime_providers_cuda.so (ONNX Runtime 1.32, CUDA 13) loads, with what ships each.</summary>
    public static readonly IReadOnlyList<(string Soname, string Source)> HostLibraries =
    [
        ("libcuda.so.1", "NVIDIA driver"),
        ("libcudart.so.13", "CUDA 13 runtime"),
        ("libcublas.so.13", "cuBLAS, CUDA 13"),
        ("libcublasLt.so.13", "cuBLASLt, CUDA 13"),
        ("libcurand.so.10", "cuRAND, CUDA 13"),
        ("libcudnn.so.9", "cuDNN 9"),
    ];

    private const int CudaSuccess = 0;

    private readonly string _providerDirectory;
    private readonly Func<string, bool> _canLoadLibrary;
    private readonly Func<int?> _countDevices;

    public CudaProviderProbe(string providerDirectory, Func<string, bool> canLoadLibrary, Func<int?> countDevices)
    {
        _providerDirectory = providerDirectory;
        _canLoadLibrary = canLoadLibrary;
        _countDevices = countDevices;
    }

    public static CudaProviderProbe ForThisProcess() =>
        new(OnnxRuntimeInfo.NativeLibraryDirectory, CanLoadLibrary, CountDevices);

    /// <summary>Why CUDA device <paramref name="deviceId"/> cannot be used, or null when nothing is missing.</summary>
    public string? FindProblem(int deviceId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(deviceId);
        var problems = new List<string>();

        string providerPath = Path.Combine(_providerDirectory, ProviderLibraryFileName);
        if (!File.Exists(providerPath))
        {
            problems.Add(
                $"the ONNX Runtime CUDA provider library {ProviderLibraryFileName} is not beside libonnxruntime.so in " +
                $"{_providerDirectory}: it ships in the {ProviderPackage} NuGet package; restore and rebuild (or publish) Dice " +
                "without trimming native files");
        }

        var missing = HostLibraries.Where(library => !_canLoadLibrary(library.Soname)).ToList();
        if (missing.Count > 0)
        {
            problems.Add(
                "the host cannot load " + string.Join(", ", missing.Select(m => $"{m.Soname} ({m.Source})")) +
                ": install the CUDA 13 runtime libraries and cuDNN 9, or put PyTorch's site-packages/nvidia/*/lib " +
                "folders on LD_LIBRARY_PATH before starting the process");
        }

        if (problems.Count == 0)
        {
            int? deviceCount = _countDevices();
            if (deviceCount is null)
            {
                problems.Add("cudaGetDeviceCount failed: no usable NVIDIA GPU or driver on this machine");
            }
            else if (deviceId >= deviceCount)
            {
                problems.Add($"CUDA device {deviceId} does not exist: this machine has {deviceCount} CUDA device(s)");
            }
        }

        return problems.Count == 0
            ? null
            : $"The CUDA execution provider is unavailable: {string.Join("; and ", problems)}.";
    }

    private static bool CanLoadLibrary(string soname)
    {
        // Loaded handles stay open on purpose: ONNX Runtime loads the same libraries right after.
        return NativeLibrary.TryLoad(soname, out _);
    }

    private static unsafe int? CountDevices()
    {
        if (!NativeLibrary.TryLoad("libcudart.so.13", out IntPtr cudart)
            || !NativeLibrary.TryGetExport(cudart, "cudaGetDeviceCount", out IntPtr address))
        {
            return null;
        }

        var cudaGetDeviceCount = (delegate* unmanaged<int*, int>)address;
        int count = 0;
        return cudaGetDeviceCount(&count) == CudaSuccess ? count : null;
    }
}
