using BenchmarkDotNet.Attributes;
using Dice.Runtime.Pipelines;

namespace Dice.Benchmarks.DiceVsCfg;

/// <summary>
/// dice-mini (<see cref="BenchmarkModel.DiceMini"/>: the folder in DICE_BENCHMARK_MINI_MODEL, default onnx-models/dice-mini)
/// through the runtime's pipeline: one generation of Batch images of one prompt at the model's own size, 20
/// DPM-Solver++ steps, for each mode. The stage split of every generation goes to the report (see <see cref="StageRecorder"/>).
/// </summary>
[Config(typeof(ShortJobConfig))]
public class MiniPipelineBenchmarks : IDisposable
{
    private PipelineRun? run;

    [ParamsAllValues]
    public GuidanceMode Mode { get; set; }

    [Params(1, 8)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup() => run = PipelineRun.Start(nameof(MiniPipelineBenchmarks), BenchmarkModel.DiceMini, Mode, Batch);

    [Benchmark(Description = "dice-mini generation")]
    public GenerationResult Generate() => run!.Generate();

    [GlobalCleanup]
    public void Dispose()
    {
        run?.Dispose();
        run = null;
        GC.SuppressFinalize(this);
    }
}

/// <summary>dice-mini's text_encoder against its text_encoder_dice on Batch prompts (what DICE adds to
/// text encoding), and the fused sharpener alone.</summary>
[Config(typeof(ShortJobConfig))]
public class MiniEncoderBenchmarks : IDisposable
{
    private EncoderRun? run;

    [Params(1, 8)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup() => run = EncoderRun.Start(BenchmarkModel.DiceMini, Batch);

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
