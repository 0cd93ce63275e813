using BenchmarkDotNet.Attributes;

namespace Dice.Benchmarks.DiceVsCfg;

/// <summary>
/// dice-mini (<see cref="BenchmarkModel.DiceMini"/>: the folder in DICE_BENCHMARK_MINI_MODEL, default onnx-models/dice-mini)
/// at the model's own size, 20 DPM-Solver++ steps, batch 1 and 8.
/// </summary>
[Config(typeof(ShortJobConfig))]
public class MiniPipelineBenchmarks : PipelineBenchmarks
{
    [Params(1, 8)]
    public int Batch { get; set; }

    protected override BenchmarkModel Model => BenchmarkModel.DiceMini;

    protected override int BatchSize => Batch;
}

/// <summary>dice-mini's encoders at batch 1 and 8.</summary>
[Config(typeof(ShortJobConfig))]
public class MiniEncoderBenchmarks : EncoderBenchmarks
{
    [Params(1, 8)]
    public int Batch { get; set; }

    protected override BenchmarkModel Model => BenchmarkModel.DiceMini;

    protected override int BatchSize => Batch;
}
