using Dice.Runtime;

namespace Dice.Runtime.Tests;

public sealed class OnnxRuntimeInfoTests
{
    [Fact]
    public void Reports_the_pinned_onnx_runtime_version()
    {
        Assert.Equal("1.29.0", OnnxRuntimeInfo.Version);
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
}
