using BenchmarkDotNet.Attributes;
using Dice.Runtime.Pipelines;

namespace Dice.Benchmarks.DiceVsCfg;

/// <summary>
/// One generation of <see cref="BatchSize"/> images of one prompt through the runtime's pipeline, for each mode; the
/// stage split of every generation goes to the report (see <see cref="StageRecorder"/>). A subclass names the model
/// and the batch sizes.
/// </summary>
public abstract class PipelineBenchmarks : IDisposable
{
    private PipelineRun? run;

    [ParamsAllValues]
    public GuidanceMode Mode { get; set; }

    protected abstract BenchmarkModel Model { get; }

    protected abstract int BatchSize { get; }

    // Records are keyed by the model's name: BenchmarkDotNet runs a generated subclass of the suite, so the
    // runtime type's name is not the suite's.
    [GlobalSetup]
    public void Setup() => run = PipelineRun.Start(Model, Mode, BatchSize);

    [Benchmark(Description = "generation")]
    public GenerationResult Generate() => run!.Generate();

    [GlobalCleanup]
    public void Dispose()
    {
        run?.Dispose();
        run = null;
        GC.SuppressFinalize(this);
    }
}

/// <summary>A model's text_encoder against its text_encoder_dice on <see cref="BatchSize"/> prompts (what DICE adds to
/// text encoding), and the fused sharpener alone.</summary>
public abstract class EncoderBenchmarks : IDisposable
{
    private EncoderRun? run;

    protected abstract BenchmarkModel Model { get; }

    protected abstract int BatchSize { get; }

    [GlobalSetup]
    public void Setup() => run = EncoderRun.Start(Model, BatchSize);

    [Benchmark(Baseline = true, Description = "text_encoder")]
    public float TextEncoder() => run!.RunPlain();

    [Benchmark(Description = "text_encoder_dice")]
    public float TextEncoderDice() => run!.RunDice();

    [Benchmark(Description = "sharpener alone")]
    public float SharpenerAlone() => run!.RunSharpener();

    [GlobalCleanup]
    public void Dispose()
    {
        run?.Dispose();
        run = null;
        GC.SuppressFinalize(this);
    }
}
