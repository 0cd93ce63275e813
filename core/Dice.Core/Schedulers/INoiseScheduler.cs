namespace Dice.Core.Schedulers;

/// <summary>
/// A noise scheduler shaped for an allocation-free denoising loop over flat latent buffers. A batch of latents is
/// just a longer span: every operation is element-wise. A scheduler is not thread-safe; use one per generation.
/// </summary>
/// <example>
/// <code>
/// scheduler.SetTimesteps(20);
/// latents *= scheduler.InitNoiseSigma;            // latents: standard normal noise
/// for (int i = 0; i &lt; scheduler.StepCount; i++)
/// {
///     latents.CopyTo(unetInput);                     // (twice, for classifier-free guidance)
///     scheduler.ScaleModelInput(unetInput, i);
///     float t = scheduler.Timesteps[i];              // the UNet's timestep input
///     ... run the UNet into modelOutput (after guidance) ...
///     scheduler.Step(modelOutput, i, latents);       // latents ← latents of step i + 1
/// }
/// </code>
/// </example>
public interface INoiseScheduler
{
    /// <summary>The name <see cref="SchedulerFactory.Create"/> knows the scheduler by (for example "dpmpp-2m").</summary>
    string Name { get; }

    /// <summary>The number of timesteps the model was trained with (num_train_timesteps).</summary>
    int NumTrainTimesteps { get; }

    /// <summary>What the model predicts.</summary>
    PredictionType PredictionType { get; }

    /// <summary>How <see cref="SetTimesteps"/> spaces the timesteps.</summary>
    TimestepSpacing TimestepSpacing { get; }

    /// <summary>The number of denoising steps set by <see cref="SetTimesteps"/> (0 before).</summary>
    int StepCount { get; }

    /// <summary>
    /// The timestep of each step, in the order they run, as the UNet takes it. DPM-Solver++ and DDIM timesteps are
    /// integers; Euler's are fractional with linspace spacing (diffusers hands them to the UNet as float32 too).
    /// </summary>
    ReadOnlySpan<float> Timesteps { get; }

    /// <summary>
    /// The standard deviation of the initial noise: multiply standard normal noise by it before step 0 (1 for
    /// DPM-Solver++ and DDIM; Euler's depends on the schedule, so read it after <see cref="SetTimesteps"/>).
    /// </summary>
    float InitNoiseSigma { get; }

    /// <summary>Computes the timesteps (and noise levels) of a schedule of <paramref name="steps"/> steps; implies <see cref="Reset"/>.</summary>
    void SetTimesteps(int steps);

    /// <summary>The factor <see cref="ScaleModelInput"/> multiplies by at step <paramref name="stepIndex"/> (1 except for Euler).</summary>
    float ModelInputScale(int stepIndex);

    /// <summary>
    /// Scales, in place, the copy of the latents that goes into the UNet at step <paramref name="stepIndex"/> (Euler
    /// divides by sqrt(σ² + 1); the others leave it alone). The latents handed to <see cref="Step"/> stay unscaled.
    /// </summary>
    void ScaleModelInput(Span<float> modelInput, int stepIndex);

    /// <summary>
    /// Advances <paramref name="sample"/> (the latents of step <paramref name="stepIndex"/>) in place to the latents
    /// of the next step, given the model's (guided) output for them. Schedulers that keep a history (DPM-Solver++)
    /// need the steps to run in order: the first step after <see cref="SetTimesteps"/> or <see cref="Reset"/> may be
    /// any index (image-to-image starts part-way), each later one the next.
    /// </summary>
    void Step(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample);

    /// <summary>
    /// Writes into <paramref name="destination"/> the latents <paramref name="original"/> noised with
    /// <paramref name="noise"/> to the level of step <paramref name="stepIndex"/> (image-to-image: noise the encoded
    /// image to the first step that runs). <paramref name="destination"/> may be <paramref name="original"/> or <paramref name="noise"/>.
    /// </summary>
    void AddNoise(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int stepIndex, Span<float> destination);

    /// <summary>Forgets the steps taken (and any model outputs kept), keeping the timesteps and buffers, to run the schedule again.</summary>
    void Reset();
}
