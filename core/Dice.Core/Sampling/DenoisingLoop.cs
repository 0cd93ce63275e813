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
    /// <param name="guidanceRescale">
    /// Under classifier-free guidance, the guidance rescale φ of Lin et al. (2023, eq. 15–16) applied per image of a
    /// batch of <paramref name="batch"/>: 0 (the default) leaves ε_u + w·(ε_c − ε_u) as it is.
    /// </param>
    public static void Run(INoiseScheduler scheduler, IDenoiser denoiser, Span<float> latents, float? guidanceScale,
        IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default, float guidanceRescale = 0f, int batch = 1,
        INoiseSource? stepNoise = null)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        if (scheduler.StepCount <= 0)
        {
            throw new ArgumentException("the scheduler has no timesteps: call SetTimesteps first", nameof(scheduler));
        }
        var sigma = scheduler.InitNoiseSigma;
        for (var i = 0; i < latents.Length; i++)
        {
            latents[i] *= sigma;
        }
        RunFrom(scheduler, denoiser, latents, 0, guidanceScale, guidanceRescale, batch, progress, cancellationToken, stepNoise);
    }

    /// <summary>
    /// Image-to-image: denoises <paramref name="latents"/>, already noised to the level of step
    /// <paramref name="startStep"/> (the scheduler's AddNoise), from that step to the last; nothing is scaled by the
    /// initial sigma. Progress counts the steps that run (1 … StepCount − <paramref name="startStep"/>).
    /// </summary>
    public static void RunFrom(INoiseScheduler scheduler, IDenoiser denoiser, Span<float> latents, int startStep, float? guidanceScale,
        float guidanceRescale = 0f, int batch = 1, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default,
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
        if (startStep < 0 || startStep >= steps)
        {
            throw new ArgumentOutOfRangeException(nameof(startStep), startStep, $"the first step must be in [0, {steps})");
        }
        if (batch <= 0 || latents.Length % batch != 0)
        {
            throw new ArgumentException($"{latents.Length} latent values do not split into {batch} images", nameof(batch));
        }

        var count = latents.Length;
        var modelInput = new float[count];
        var prediction = new float[count];
        var pair = guidanceScale is null ? null : new float[2 * count];
        for (var step = startStep; step < steps; step++)
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
                Guide(pair, guidanceScale!.Value, guidanceRescale, batch, prediction);
            }
            scheduler.Step(prediction, step, latents);
            progress?.Report(new StepProgress(step - startStep + 1, steps - startStep));
        }
    }

    /// <summary>
    /// ε = ε_u + w·(ε_c − ε_u) from <paramref name="pair"/> = [ε_u; ε_c]; with <paramref name="rescale"/> φ ≠ 0, each of
    /// the <paramref name="batch"/> images' ε is then mixed with itself rescaled to the standard deviation of its ε_c:
    /// ε ← φ·ε·σ(ε_c)/σ(ε) + (1 − φ)·ε (Lin et al. 2023, eq. 15–16; σ over all of an image's values, in double).
    /// </summary>
    public static void Guide(ReadOnlySpan<float> pair, float w, float rescale, int batch, Span<float> prediction)
    {
        var count = prediction.Length;
        for (var i = 0; i < count; i++)
        {
            var unconditional = pair[i];
            prediction[i] = unconditional + w * (pair[count + i] - unconditional);
        }
        if (rescale == 0f)
        {
            return;
        }
        var perImage = count / batch;
        for (var b = 0; b < batch; b++)
        {
            var guided = prediction.Slice(b * perImage, perImage);
            var conditional = pair.Slice(count + b * perImage, perImage);
            var guidedStd = StandardDeviation(guided);
            if (guidedStd == 0)
            {
                continue;
            }
            var factor = rescale * (StandardDeviation(conditional) / guidedStd) + (1.0 - rescale);
            for (var i = 0; i < guided.Length; i++)
            {
                guided[i] = (float)(guided[i] * factor);
            }
        }
    }

    /// <summary>The population standard deviation (the ratio of two of them is the same with Bessel's correction).</summary>
    private static double StandardDeviation(ReadOnlySpan<float> values)
    {
        var mean = 0.0;
        foreach (var v in values)
        {
            mean += v;
        }
        mean /= values.Length;
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += (v - mean) * (v - mean);
        }
        return Math.Sqrt(sum / values.Length);
    }
}
