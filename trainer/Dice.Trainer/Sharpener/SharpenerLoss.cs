using Dice.Models.Sharpener;
using Dice.Trainer.Teacher;
using static TorchSharp.torch;

namespace Dice.Trainer.Sharpener;

/// <summary>
/// The objective of Algorithm 1: x_t = √ᾱ_t·x0 + √(1 − ᾱ_t)·ε; target (no gradient) = ε_u + w(ε_c − ε_u) from one
/// batched teacher call on [c_null; c]; student = teacher(x_t, t, c_dice); loss = Σ|student − target| / B, optionally
/// weighted per timestep (<see cref="SharpenerTrainingOptions.InverseSnrWeightCap"/>). Gradients reach the
/// sharpener through the frozen UNet and c_dice.
/// </summary>
public sealed class SharpenerLoss : IDisposable
{
    private readonly FrozenUnet unet;
    private readonly DiceSharpener<Tensor> sharpener;
    private readonly double guidanceScale;
    private readonly Tensor signalScales;
    private readonly Tensor noiseScales;
    private readonly Tensor? lossWeights;

    public SharpenerLoss(FrozenUnet unet, DiceSharpener<Tensor> sharpener, DiffusionNoiseSchedule schedule, double guidanceScale,
        double inverseSnrWeightCap, Device device)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        this.unet = unet;
        this.sharpener = sharpener;
        this.guidanceScale = guidanceScale;
        if (inverseSnrWeightCap > 1)
        {
            using var cpuWeights = tensor(Weights(schedule, inverseSnrWeightCap));
            lossWeights = cpuWeights.to(device).DetachFromDisposeScope();
        }
        using var cpuSignal = tensor(schedule.SignalScales());
        using var cpuNoise = tensor(schedule.NoiseScales());
        signalScales = cpuSignal.to(device).DetachFromDisposeScope();
        noiseScales = cpuNoise.to(device).DetachFromDisposeScope();
    }

    /// <summary>
    /// Per-timestep factors of the L1 loss for <see cref="SharpenerTrainingOptions.InverseSnrWeightCap"/>:
    /// √min(max(1/SNR_t, 1), cap), so that below SNR 1 the loss approaches the x0 error, up to √cap times the ε one.
    /// </summary>
    public static float[] Weights(DiffusionNoiseSchedule schedule, double cap)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return schedule.InverseSnrLossWeights(cap).Select(MathF.Sqrt).ToArray();
    }

    /// <summary>x_t = √ᾱ_t·x0 + √(1 − ᾱ_t)·ε.</summary>
    public Tensor NoisyLatents(SharpenerBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var b = batch.Latents.size(0);
        using var scope = NewDisposeScope();
        var a = signalScales.index_select(0, batch.Timesteps).reshape(b, 1, 1, 1);
        var s = noiseScales.index_select(0, batch.Timesteps).reshape(b, 1, 1, 1);
        return (a * batch.Latents).Plus(s * batch.Noise).MoveToOuterDisposeScope();
    }

    /// <summary>The CFG target ε_u + w(ε_c − ε_u), without gradients, from one batched teacher call on [x_t; x_t] with [c_null; c].</summary>
    public Tensor Target(SharpenerBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var noisy = NoisyLatents(batch);
        var eps = unet.Forward(cat([noisy, noisy]), cat([batch.Timesteps, batch.Timesteps]), cat([batch.Unconditional, batch.Conditional]));
        var halves = eps.chunk(2, 0);
        var unconditional = halves[0];
        return unconditional.Plus((halves[1] - unconditional).Times(guidanceScale)).MoveToOuterDisposeScope();
    }

    /// <summary>c_dice = c + α·r(c, c_null) with token 0 (the start token) kept equal to c[:, 0] exactly.</summary>
    public Tensor DiceEmbedding(Tensor conditional, Tensor unconditional, double alpha = 1)
    {
        ArgumentNullException.ThrowIfNull(conditional);
        ArgumentNullException.ThrowIfNull(unconditional);
        using var scope = NewDisposeScope();
        var r = sharpener.Forward(conditional, unconditional);
        var tokens = conditional.size(1);
        var kept = conditional.narrow(1, 0, 1);
        var edited = conditional.narrow(1, 1, tokens - 1).Plus(r.narrow(1, 1, tokens - 1).Times(alpha));
        return cat([kept, edited], 1).MoveToOuterDisposeScope();
    }

    /// <summary>The loss of the current sharpener on <paramref name="batch"/> against <paramref name="target"/> (a scalar, in the caller's scope).</summary>
    public Tensor Compute(SharpenerBatch batch, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(target);
        var noisy = NoisyLatents(batch);
        var student = unet.Forward(noisy, batch.Timesteps, DiceEmbedding(batch.Conditional, batch.Unconditional));
        var sum = (student - target).abs().sum();
        return lossWeights is null
            ? sum.DividedBy(batch.Size)
            : (sum * lossWeights.index_select(0, batch.Timesteps.narrow(0, 0, 1)).squeeze(0)).DividedBy(batch.Size);
    }

    public void Dispose()
    {
        lossWeights?.Dispose();
        signalScales.Dispose();
        noiseScales.Dispose();
    }
}
