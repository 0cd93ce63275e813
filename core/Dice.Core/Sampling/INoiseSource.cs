namespace Dice.Core.Sampling;

/// <summary>
/// Standard-normal samples in a fixed order: the initial latents, and the fresh noise stochastic samplers (Euler
/// ancestral, DPM-Solver++ SDE) add at each step. One source per generation; not thread-safe.
/// </summary>
public interface INoiseSource
{
    /// <summary>Fills <paramref name="destination"/> with the next standard-normal samples.</summary>
    void Fill(Span<float> destination);
}
