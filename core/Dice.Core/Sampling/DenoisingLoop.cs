using Dice.Core.Schedulers;

namespace Dice.Core.Sampling;

/// <summary>
/// The scheduler loop of text-to-image sampling, written once for every denoiser: scale the noise by the scheduler's
/// initial sigma, then each step copy the latents, scale the copy for the model, ask the denoiser for the noise and
/// let the scheduler step. Unguided and DICE sampling ask once per step; classifier-free guidance asks for the
/// unconditional and conditional predictions together and combines them as ε_u + w·(ε_c − ε_u) in float.
/// Buffers are allocated once per run; a step allocates nothing.
/// </summary>
public static class DenoisingLoop
{
    /// <summary>
    /// Denoises <paramref name="latents"/> in place: standard-normal noise in, the final latents (as the UNet sees
    /// them, before the VAE's scaling factor) out. <paramref name="scheduler"/> must have its timesteps set.
    /// <paramref name="guidanceScale"/> null: one prediction per step (unguided, or DICE, whose embedding carries the
    /// guidance); a value w: classifier-free guidance at scale w. <paramref name="stepNoise"/>: where a stochastic
    /// scheduler (<see cref="IStochasticScheduler.IsStochastic"/>: Euler ancestral, DPM-Solver++ 2M SDE, DDIM with
    /// η &gt; 0) draws its per-step noise, normally the source the initial latents were drawn from; required for those,
    /// ignored by the others.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before a step.</exception>
    public static void Run(INoiseScheduler scheduler, IDenoiser denoiser, Span<float> latents, float? guidanceScale,
        IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default,
        INoiseSource? stepNoise = null)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(denoiser);
        if (scheduler is IStochasticScheduler { IsStochastic: true } stochastic)
        {
            stochastic.UseNoise(stepNoise ?? throw new ArgumentException(
                $"the {scheduler.Name} scheduler adds noise at each step: pass the noise source", nameof(stepNoise)));
        }
        var steps = scheduler.StepCount;
        if (steps <= 0)
        {
            throw new ArgumentException("the scheduler has no timesteps: call SetTimesteps first", nameof(scheduler));
        }
        var sigma = scheduler.InitNoiseSigma;
        for (var i = 0; i < latents.Length; i++)
        {
            latents[i] *= sigma;
        }

        var count = latents.Length;
        var modelInput = new float[count];
        var prediction = new float[count];
        var pair = guidanceScale is null ? null : new float[2 * count];
        for (var step = 0; step < steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            latents.CopyTo(modelInput);
            scheduler.ScaleModelInput(modelInput, step);
            var t = scheduler.Timesteps[step];
            if (pair is null)
            {
                denoiser.PredictNoise(modelInput, t, prediction);
            }
            else
            {
                denoiser.PredictUnconditionalAndConditionalNoise(modelInput, t, pair);
                Guide(pair, guidanceScale!.Value, prediction);
            }
            scheduler.Step(prediction, step, latents);
            progress?.Report(new StepProgress(step + 1, steps));
        }
    }

    /// <summary>ε = ε_u + w·(ε_c − ε_u) from <paramref name="pair"/> = [ε_u; ε_c].</summary>
    private static void Guide(ReadOnlySpan<float> pair, float w, Span<float> prediction)
    {
        var count = prediction.Length;
        for (var i = 0; i < count; i++)
        {
            var unconditional = pair[i];
            prediction[i] = unconditional + w * (pair[count + i] - unconditional);
        }
    }
}
