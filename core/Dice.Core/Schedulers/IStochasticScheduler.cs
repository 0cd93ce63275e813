using Dice.Core.Sampling;

namespace Dice.Core.Schedulers;

/// <summary>
/// A scheduler that may add fresh noise at each step (Euler ancestral, DPM-Solver++ 2M SDE, DDIM with η &gt; 0). It
/// draws that noise from the <see cref="INoiseSource"/> given to <see cref="UseNoise"/>, so that a seed fixes the
/// whole generation: give it the source the initial latents came from, after drawing them.
/// </summary>
/// <remarks>
/// When <see cref="IsStochastic"/> is true, every <see cref="INoiseScheduler.Step"/> (the last one included) fills one
/// buffer of the sample's length from the source, and <see cref="INoiseScheduler.Step"/> throws
/// <see cref="InvalidOperationException"/> until a source is set. When it is false (DDIM with η = 0, DPM-Solver++ 2M),
/// the scheduler is deterministic and never reads the source. <see cref="INoiseScheduler.Reset"/> and
/// <see cref="INoiseScheduler.SetTimesteps"/> keep the source.
/// </remarks>
public interface IStochasticScheduler : INoiseScheduler
{
    /// <summary>Whether <see cref="INoiseScheduler.Step"/> adds noise with this configuration.</summary>
    bool IsStochastic { get; }

    /// <summary>Sets the source each later step draws its standard-normal noise from.</summary>
    void UseNoise(INoiseSource noise);
}
