using BenchmarkDotNet.Attributes;

namespace Dice.Benchmarks.DiceVsCfg;

/// <summary>
/// The SD1.5 architecture with random weights (<see cref="BenchmarkModel.Sd15"/>: DICE_BENCHMARK_SD15_MODEL, default
/// benchmarks/.models/sd15-dice from scripts/prepare-benchmark-models.sh) through the runtime's pipeline at 256×256
/// (32×32 latents), 10 DPM-Solver++ steps, batch 1 and 2, each mode. A generation takes seconds to a minute on 2
/// cores, so the job is one launch, 1 warm-up and 3 measured generations (after one untimed 1-step generation;
/// see <see cref="Sd15JobConfig"/>).
/// <para>
/// Budget (estimates, for an idle 2-core machine): the UNet costs 2.46 s a call at 64×64 latents, batch 1
/// (<see cref="Sd15UnetBenchmarks"/>), so about 0.65 s at 32×32 and 1.3 s at batch 2; the VAE decoder about 1.5 s an
/// image at 256×256. One generation of each mode at batch 1 (unguided, DICE ≈ 8 s; CFG ≈ 14–15 s) ≈ 45 s, at batch 2
/// ≈ 90 s. Each case runs its generation 5 times (BenchmarkDotNet's jitting run, 1 warm-up, 3 measured) plus the
/// 1-step warm-up: ≈ 12 min, plus ≈ 2 min of process starts and model loading (3.3 GB UNet) for the 8 cases and
/// ≈ 1 min for <see cref="Sd15EncoderBenchmarks"/>: ≈ 15 min of the 25 allowed. Batch 4 instead of 2 would come to
/// about 23 min, too close.
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
