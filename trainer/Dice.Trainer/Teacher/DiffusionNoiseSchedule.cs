namespace Dice.Trainer.Teacher;

/// <summary>
/// The DDPM forward process the teacher is trained with: SD1.5's scheduler config (scaled_linear betas from 0.00085
/// to 0.012 over 1000 steps, ᾱ_t = Π (1 − β)), so the runtime's SD1.5 schedulers sample from it unchanged.
/// Betas are computed as diffusers does, in float32: linspace(√β_start, √β_end, N)², cumulative product in float32.
/// </summary>
public sealed class DiffusionNoiseSchedule
{
    public DiffusionNoiseSchedule(int trainTimesteps = 1000, double betaStart = 0.00085, double betaEnd = 0.012)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainTimesteps, 2);
        if (betaStart <= 0 || betaEnd >= 1 || betaEnd < betaStart)
        {
            throw new ArgumentException($"invalid beta range {betaStart} … {betaEnd}");
        }
        TrainTimesteps = trainTimesteps;
        BetaStart = betaStart;
        BetaEnd = betaEnd;
        var lo = (float)Math.Sqrt(betaStart);
        var hi = (float)Math.Sqrt(betaEnd);
        var step = (hi - lo) / (trainTimesteps - 1);
        var alphasCumprod = new float[trainTimesteps];
        var product = 1f;
        for (var t = 0; t < trainTimesteps; t++)
        {
            var root = t == trainTimesteps - 1 ? hi : lo + (step * t);
            var beta = root * root;
            product *= 1f - beta;
            alphasCumprod[t] = product;
        }
        AlphasCumprod = alphasCumprod;
    }

    /// <summary>SD1.5's: 1000 steps, scaled_linear 0.00085 → 0.012.</summary>
    public static DiffusionNoiseSchedule StableDiffusion15 { get; } = new();

    public int TrainTimesteps { get; }

    public double BetaStart { get; }

    public double BetaEnd { get; }

    /// <summary>ᾱ_t for t = 0 … N − 1.</summary>
    public IReadOnlyList<float> AlphasCumprod { get; }

    /// <summary>√ᾱ_t, the weight of x0 in x_t.</summary>
    public float[] SignalScales() => AlphasCumprod.Select(a => MathF.Sqrt(a)).ToArray();

    /// <summary>√(1 − ᾱ_t), the weight of the noise in x_t.</summary>
    public float[] NoiseScales() => AlphasCumprod.Select(a => MathF.Sqrt(1 - a)).ToArray();

    /// <summary>
    /// Per-timestep weights of the epsilon loss: min(max(1/SNR_t, 1), <paramref name="cap"/>) with
    /// SNR_t = ᾱ_t / (1 − ᾱ_t). Weight 1 wherever SNR ≥ 1; below that, up to <paramref name="cap"/>. In x0 terms the
    /// epsilon loss is SNR·‖x0 − x̂0‖², so at high noise, where a scene's layout is decided, it barely trains the
    /// prediction of x0; this restores that signal (the "truncated SNR" weighting, capped). cap = 1 is plain MSE.
    /// </summary>
    public float[] InverseSnrLossWeights(double cap)
    {
        if (!(cap >= 1) || double.IsPositiveInfinity(cap))
        {
            throw new ArgumentOutOfRangeException(nameof(cap), cap, "the weight cap must be a finite number ≥ 1 (1: plain epsilon MSE)");
        }
        return AlphasCumprod.Select(a => (float)Math.Clamp((1.0 - a) / a, 1.0, cap)).ToArray();
    }
}
