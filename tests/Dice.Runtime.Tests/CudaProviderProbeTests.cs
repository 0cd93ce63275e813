namespace Dice.Runtime.Tests;

/// <summary>The CUDA checks with the file system, library loader and device count under the test's control.</summary>
public sealed class CudaProviderProbeTests : IDisposable
{
    private readonly TempDirectory _nativeDirectory = new();

    public void Dispose() => _nativeDirectory.Dispose();

    [Fact]
    public void Missing_provider_library_names_the_package_that_ships_it()
    {
        var probe = new CudaProviderProbe(_nativeDirectory.Path, _ => true, () => 1);

        string? problem = probe.FindProblem(0);

        Assert.NotNull(problem);
        Assert.Contains("libonnxruntime_providers_cuda.so", problem, StringComparison.Ordinal);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu.Linux", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot load", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_host_library_is_named_by_its_soname()
    {
        InstallFakeProvider();
        var probe = new CudaProviderProbe(_nativeDirectory.Path, soname => soname != "libcublasLt.so.13", () => 1);

        string? problem = probe.FindProblem(0);

        Assert.NotNull(problem);
        Assert.Contains("libcublasLt.so.13 (cuBLASLt, CUDA 13)", problem, StringComparison.Ordinal);
        Assert.Contains("LD_LIBRARY_PATH", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("libcudart.so.13", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("is not beside", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_missing_pieces_are_reported_together_and_the_gpu_is_not_queried()
    {
        bool queried = false;
        var probe = new CudaProviderProbe(_nativeDirectory.Path, soname => soname == "libcuda.so.1", () =>
        {
            queried = true;
            return 1;
        });

        string? problem = probe.FindProblem(0);

        Assert.NotNull(problem);
        Assert.Contains("libonnxruntime_providers_cuda.so", problem, StringComparison.Ordinal);
        Assert.Contains("libcudart.so.13", problem, StringComparison.Ordinal);
        Assert.Contains("libcudnn.so.9", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("libcuda.so.1", problem, StringComparison.Ordinal);
        Assert.False(queried);
    }

    [Fact]
    public void No_gpu_is_reported_when_the_device_count_fails()
    {
        InstallFakeProvider();
        var probe = new CudaProviderProbe(_nativeDirectory.Path, _ => true, () => null);

        Assert.Contains("no usable NVIDIA GPU", probe.FindProblem(0), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1, true)]
    [InlineData(1, 2, true)]
    [InlineData(1, 1, false)]
    [InlineData(0, 0, false)]
    public void Device_id_must_be_below_the_device_count(int deviceId, int deviceCount, bool usable)
    {
        InstallFakeProvider();
        var probe = new CudaProviderProbe(_nativeDirectory.Path, _ => true, () => deviceCount);

        string? problem = probe.FindProblem(deviceId);

        if (usable)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Contains($"CUDA device {deviceId} does not exist", problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void This_machine_reports_a_problem_unless_it_has_the_provider_and_a_cuda_runtime()
    {
        bool providerShipped = File.Exists(Path.Combine(OnnxRuntimeInfo.NativeLibraryDirectory, "libonnxruntime_providers_cuda.so"));
        bool cudaRuntime = System.Runtime.InteropServices.NativeLibrary.TryLoad("libcudart.so.13", out _);

        string? problem = OnnxRuntimeInfo.FindCudaProblem();

        if (!providerShipped || !cudaRuntime)
        {
            Assert.NotNull(problem);
            Assert.Equal(!providerShipped, problem.Contains("libonnxruntime_providers_cuda.so", StringComparison.Ordinal));
            Assert.Equal(!cudaRuntime, problem.Contains("libcudart.so.13", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_nuget_package_puts_the_cuda_provider_beside_libonnxruntime()
    {
        // Microsoft.ML.OnnxRuntime.Gpu.Linux serves CPU-only and CUDA hosts from one set of natives.
        string directory = OnnxRuntimeInfo.NativeLibraryDirectory;

        Assert.True(File.Exists(Path.Combine(directory, "libonnxruntime.so")), directory);
        Assert.True(File.Exists(Path.Combine(directory, "libonnxruntime_providers_shared.so")), directory);
        Assert.True(File.Exists(Path.Combine(directory, "libonnxruntime_providers_cuda.so")), directory);
        Assert.Contains("CUDAExecutionProvider", OnnxRuntimeInfo.AvailableProviders);
    }

    private void InstallFakeProvider() => File.WriteAllBytes(_nativeDirectory.File("libonnxruntime_providers_cuda.so"), []);
}
