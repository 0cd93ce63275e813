using BenchmarkDotNet.Attributes;
using Dice.Onnx;
using Dice.Runtime;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace Dice.Benchmarks;

/// <summary>
/// What the runtime's step loop saves by binding pre-allocated OrtValues (IOBinding) instead of letting each
/// Run allocate its output: a 4-layer MLP of width 512, the shape of work a denoiser step repeats.
/// </summary>
[MemoryDiagnoser]
public class OrtRunBenchmarks : IDisposable
{
    private const int Width = 512;
    private InferenceSession? session;
    private OrtValue? input;
    private OrtValue? output;
    private OrtIoBinding? binding;
    private RunOptions? runOptions;

    [Params(1, 8)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var builder = new OnnxGraphBuilder("mlp");
        builder.AddInput("x", TensorProto.Types.DataType.Float, "batch", Width);
        var random = new Random(1);
        var last = "x";
        for (var layer = 0; layer < 4; layer++)
        {
            var w = Enumerable.Range(0, Width * Width).Select(_ => (float)((random.NextDouble() - 0.5) * 0.1)).ToArray();
            builder.AddInitializer($"w{layer}", w, Width, Width);
            builder.AddNode("MatMul", [last, $"w{layer}"], [$"m{layer}"]);
            builder.AddNode("Relu", [$"m{layer}"], [$"h{layer}"]);
            last = $"h{layer}";
        }
        builder.AddOutput(last, TensorProto.Types.DataType.Float, "batch", Width);
        using var options = SessionOptionsFactory.Create(new RuntimeOptions { IntraOpThreads = 1 });
        session = new InferenceSession(builder.ToBytes(), options);
        input = OrtValue.CreateTensorValueFromMemory(new float[Batch * Width], [Batch, Width]);
        output = OrtValue.CreateTensorValueFromMemory(new float[Batch * Width], [Batch, Width]);
        runOptions = new RunOptions();
        binding = session.CreateIoBinding();
        binding.BindInput("x", input);
        binding.BindOutput(last, output);
        OutputName = last;
    }

    private string OutputName { get; set; } = "";

    [Benchmark(Baseline = true, Description = "Run, output allocated per call")]
    public float RunAllocating()
    {
        using var results = session!.Run(runOptions!, ["x"], [input!], [OutputName]);
        return results[0].GetTensorDataAsSpan<float>()[0];
    }

    [Benchmark(Description = "IOBinding, output bound once")]
    public float RunBound()
    {
        session!.RunWithBinding(runOptions!, binding!);
        return output!.GetTensorDataAsSpan<float>()[0];
    }

    [GlobalCleanup]
    public void Dispose()
    {
        binding?.Dispose();
        runOptions?.Dispose();
        input?.Dispose();
        output?.Dispose();
        session?.Dispose();
        GC.SuppressFinalize(this);
    }
}
