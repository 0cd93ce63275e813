using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace Dice.Runtime.Tests;

public sealed class SessionOptionsFactoryTests
{
    [Fact]
    public void Carries_thread_counts_optimisation_level_and_arena_setting()
    {
        var options = new RuntimeOptions
        {
            IntraOpThreads = 3,
            InterOpThreads = 2,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC,
            EnableCpuMemoryArena = false,
        };

        using SessionOptions sessionOptions = SessionOptionsFactory.Create(options);

        Assert.Equal(3, sessionOptions.IntraOpNumThreads);
        Assert.Equal(2, sessionOptions.InterOpNumThreads);
        Assert.Equal(GraphOptimizationLevel.ORT_ENABLE_BASIC, sessionOptions.GraphOptimizationLevel);
        Assert.False(sessionOptions.EnableCpuMemArena);
        Assert.Equal(ExecutionMode.ORT_PARALLEL, sessionOptions.ExecutionMode);
    }

    [Fact]
    public void Defaults_leave_threads_to_onnx_runtime_and_optimise_fully()
    {
        using SessionOptions sessionOptions = SessionOptionsFactory.Create(new RuntimeOptions());

        Assert.Equal(0, sessionOptions.IntraOpNumThreads);
        Assert.Equal(0, sessionOptions.InterOpNumThreads);
        Assert.Equal(GraphOptimizationLevel.ORT_ENABLE_ALL, sessionOptions.GraphOptimizationLevel);
        Assert.True(sessionOptions.EnableCpuMemArena);
        Assert.Equal(ExecutionMode.ORT_SEQUENTIAL, sessionOptions.ExecutionMode);
    }

    [Theory]
    [InlineData(GraphOptimizationLevel.ORT_DISABLE_ALL, 3)]
    [InlineData(GraphOptimizationLevel.ORT_ENABLE_ALL, 1)]
    public void Optimisation_level_decides_what_onnx_runtime_does_to_the_graph(GraphOptimizationLevel level, int expectedNodes)
    {
        using var temp = new TempDirectory();
        string optimizedPath = temp.File("optimized.onnx");
        using SessionOptions sessionOptions = SessionOptionsFactory.Create(new RuntimeOptions { GraphOptimizationLevel = level });
        sessionOptions.OptimizedModelFilePath = optimizedPath;

        using (new InferenceSession(LinearReluModel.CreateBytes(), sessionOptions))
        {
        }

        // MatMul, Add, Relu unchanged; or fused into a single node when ONNX Runtime may optimise.
        ModelProto optimized = ModelProto.Parser.ParseFrom(File.ReadAllBytes(optimizedPath));
        Assert.Equal(expectedNodes, optimized.Graph.Node.Count);
    }

    [Fact]
    public void Rejects_negative_thread_counts_and_device_ids()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionOptionsFactory.Create(new RuntimeOptions { IntraOpThreads = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionOptionsFactory.Create(new RuntimeOptions { InterOpThreads = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => SessionOptionsFactory.Create(new RuntimeOptions { ExecutionProvider = ExecutionProvider.Cuda, CudaDeviceId = -1 }));
    }

    [Fact]
    public void Cuda_where_it_is_not_installed_throws_one_clear_exception_and_the_process_carries_on()
    {
        Exception? exception = Record.Exception(
            () => SessionOptionsFactory.Create(new RuntimeOptions { ExecutionProvider = ExecutionProvider.Cuda }).Dispose());

        // The provider ships with the package (CudaProviderProbeTests checks it is there, and what a publish without it
        // is told); where this host lacks a GPU or the CUDA libraries, the one exception names them.
        if (exception is not null)
        {
            var unavailable = Assert.IsType<ExecutionProviderUnavailableException>(exception);
            Assert.Equal(ExecutionProvider.Cuda, unavailable.Provider);
            Assert.Matches("lib(cuda|cudart|cublas|cublasLt|curand|cudnn)\\.so|CUDA device|cudaGetDeviceCount|ONNX Runtime", unavailable.Message);
        }

        // Nothing native was left half-built: a CPU session still runs.
        using SessionOptions cpu = SessionOptionsFactory.Create(new RuntimeOptions());
        using var session = new InferenceSession(LinearReluModel.CreateBytes(), cpu);
        float[] input = LinearReluModel.CreateInput(2);
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [2, LinearReluModel.InputWidth]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, new Dictionary<string, OrtValue> { ["X"] = inputValue }, ["Y"]);
        NumericAssert.Close(LinearReluModel.Compute(input, 2), outputs[0].GetTensorDataAsSpan<float>());
    }
}
