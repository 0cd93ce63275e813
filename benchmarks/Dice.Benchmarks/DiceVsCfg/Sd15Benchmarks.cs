using BenchmarkDotNet.Attributes;

namespace Dice.Benchmarks.DiceVsCfg;

/// <summary>
/// The SD1.5 architecture with random weights (<see cref="BenchmarkModel.Sd15"/>: DICE_BENCHMARK_SD15_MODEL, default
/// benchmarks/.models/sd15-dice from scripts/prepare-benchmark-models.sh) through the runtime's pipeline at 256×256
/// (32×32 latents), 20 DPM-Solver++ steps, batch 1 and 2, each mode. A generation takes half a minute to two minutes
/// on 2 cores, so the job is one launch and 3 measured generations after BenchmarkDotNet's untimed first one (and
/// one untimed 1-step generation; see <see cref="Sd15JobConfig"/>).
/// <para>
/// Budget, measured in the 20-step run of 2026-12-02 on this project's idle 2-core machine (stage split in
/// benchmarks/results/dice-vs-cfg.md): a UNet call at 32×32 latents costs about 1.2 s at batch 1, 2.4–2.6 s at batch
/// 2 and 4.9 s at batch 4 (CFG batched at batch 2); the VAE decoder 3.7–4.4 s an image. One generation of each mode
/// then takes ≈ 165 s at batch 1 and ≈ 325 s at batch 2; 4 runs of each plus model loading came to about 43 min;
/// all four DICE-vs-CFG suites together took 50 min (BenchmarkDotNet's "Global total time").
/// </para>
/// </summary>
[Config(typeof(Sd15JobConfig))]
public class Sd15PipelineBenchmarks : PipelineBenchmarks
{
    [Params(1, 2)]
    public int Batch { get; set; }

    protected override BenchmarkModel Model => BenchmarkModel.Sd15;

    protected override int BatchSize => Batch;
}

/// <summary>The SD1.5 CLIP text encoder's encoders at batch 1 and 2.</summary>
[Config(typeof(ShortJobConfig))]
public class Sd15EncoderBenchmarks : EncoderBenchmarks
{
    [Params(1, 2)]
    public int Batch { get; set; }

    protected override BenchmarkModel Model => BenchmarkModel.Sd15;

    protected override int BatchSize => Batch;
}
