using Dice.Core.Sampling;
using Dice.Core.Schedulers;

namespace Dice.Core.Tests.Schedulers;

/// <summary>Noise sources for the stochastic schedulers' tests: known values, and a count of the values drawn.</summary>
internal sealed class ConstantNoise(float value) : INoiseSource
{
    public int Drawn { get; private set; }

    public void Fill(Span<float> destination)
    {
        destination.Fill(value);
        Drawn += destination.Length;
    }
}

/// <summary>
/// A fixed pattern that depends only on the position modulo <paramref name="period"/>, so that a batch of latents of
/// that length each sees the same noise as when run alone, and a rerun sees the same noise again.
/// </summary>
internal sealed class PatternNoise(int period) : INoiseSource
{
    public void Fill(Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = MathF.Sin(1.3f * (i % period) + 0.2f);
        }
    }
}

/// <summary>A tiny training schedule whose numbers a test can compute by hand: 10 timesteps, linear betas 0.05 → 0.3.</summary>
internal static class TinySchedule
{
    public static SchedulerConfig Config { get; } = new()
    {
        Source = "tiny test schedule",
        NumTrainTimesteps = 10,
        BetaStart = 0.05,
        BetaEnd = 0.3,
        BetaSchedule = BetaSchedule.Linear,
    };

    /// <summary>ᾱ_t = Π_{s ≤ t} (1 − β_s), β_s = 0.05 + s/9·0.25.</summary>
    public static double AlphaBar(int t)
    {
        double product = 1;
        for (int s = 0; s <= t; s++)
        {
            product *= 1 - (0.05 + s / 9.0 * 0.25);
        }
        return product;
    }

    /// <summary>σ_t = sqrt((1 − ᾱ_t) / ᾱ_t).</summary>
    public static double Sigma(int t) => Math.Sqrt((1 - AlphaBar(t)) / AlphaBar(t));
}
