using BenchmarkDotNet.Attributes;
using Dice.Exporter;
using Dice.Models.StableDiffusion;
using Dice.Runtime;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Dice.Benchmarks;

/// <summary>
/// One call of the full-size SD1.5 UNet (859.5M parameters, random weights: speed does not depend on their
/// values) at a 64×64 latent (512×512 images) on the CPU execution provider, at batch 1 (unguided and DICE) and
/// batch 2 (batched CFG). The model is exported on first use into benchmarks/.models/sd15-random/.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3, invocationCount: 1)]
public class Sd15UnetBenchmarks : IDisposable
{
    private InferenceSession? session;
    private OrtValue? sample;
    private OrtValue? timestep;
    private OrtValue? context;
    private OrtValue? output;
    private OrtIoBinding? binding;
    private RunOptions? runOptions;

    [Params(1, 2)]
    public int Batch { get; set; }

    public static string ModelFolder => Path.Combine(RepositoryPaths.Models, "sd15-random");

    [GlobalSetup]
    public void Setup()
    {
        if (!File.Exists(Path.Combine(ModelFolder, "unet", "model.onnx")))
        {
            var source = StableDiffusionSource.Preset("sd15", Path.Combine(RepositoryPaths.Root, "onnx-models", "tokenizers", "clip-vit-l14"));
            StableDiffusionConverter.Convert(source, ModelFolder,
                new ConvertOptions { RandomWeightsSeed = 0, Components = [ComponentExporter.Unet], Overwrite = true });
        }
        using var options = SessionOptionsFactory.Create(new RuntimeOptions());
        session = new InferenceSession(Path.Combine(ModelFolder, "unet", "model.onnx"), options);
        var random = new Random(0);
        float[] Noise(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        sample = OrtValue.CreateTensorValueFromMemory(Noise(Batch * 4 * 64 * 64), [Batch, 4, 64, 64]);
        // Exports since issue 19 take a float32 timestep; older folders an int64 one.
        timestep = session.InputMetadata["timestep"].ElementDataType == TensorElementType.Int64
            ? OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(500L, Batch).ToArray(), [Batch])
            : OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(500f, Batch).ToArray(), [Batch]);
        context = OrtValue.CreateTensorValueFromMemory(Noise(Batch * 77 * 768), [Batch, 77, 768]);
        output = OrtValue.CreateTensorValueFromMemory(new float[Batch * 4 * 64 * 64], [Batch, 4, 64, 64]);
        runOptions = new RunOptions();
        binding = session.CreateIoBinding();
        binding.BindInput("sample", sample);
        binding.BindInput("timestep", timestep);
        binding.BindInput("encoder_hidden_states", context);
        binding.BindOutput("out_sample", output);
    }

    [Benchmark(Description = "SD1.5 UNet call, 64×64 latent")]
    public float UnetCall()
    {
        session!.RunWithBinding(runOptions!, binding!);
        return output!.GetTensorDataAsSpan<float>()[0];
    }

    [GlobalCleanup]
    public void Dispose()
    {
        binding?.Dispose();
        runOptions?.Dispose();
        foreach (var v in new[] { sample, timestep, context, output })
        {
            v?.Dispose();
        }
        session?.Dispose();
        GC.SuppressFinalize(this);
    }
}
