using Dice.Core.Sampling;
using Dice.Core.Schedulers;
using Dice.Trainer.Teacher;
using TorchSharp;
using static TorchSharp.torch;

namespace Dice.Trainer.Sharpener;

/// <summary>
/// The runtime pipeline's denoising loop (<see cref="DenoisingLoop"/>) on the libtorch teacher
/// (<see cref="TeacherDenoiser"/>): a runtime scheduler (DPM-Solver++(2M) by default) configured from the teacher's
/// scheduler_config.json steps flat latent buffers on the CPU, while the frozen UNet runs on its device without
/// gradients. Unguided and DICE sampling make one UNet call per step with one embedding; CFG makes one batched call
/// on [c_null; c] per step and combines it as ε_u + w·(ε_c − ε_u). The loop is the runtime's, so a sample here
/// matches `dice generate` on the exported model up to the numerical differences of libtorch and ONNX Runtime.
/// Draws no random numbers: the caller brings the noise.
/// </summary>
public sealed class TeacherSampler
{
    private readonly FrozenUnet unet;

    /// <exception cref="ArgumentException">An unknown scheduler, or a configuration it does not support.</exception>
    public TeacherSampler(FrozenUnet unet, SchedulerConfig schedulerConfig, Device device, int latentChannels,
        int latentHeight, int latentWidth, string scheduler = SchedulerFactory.DpmPlusPlus2M)
    {
        ArgumentNullException.ThrowIfNull(unet);
        ArgumentNullException.ThrowIfNull(schedulerConfig);
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(latentChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(latentHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(latentWidth);
        // Built once here so that a configuration the scheduler cannot run fails before training, not at the first checkpoint.
        _ = SchedulerFactory.Create(scheduler, schedulerConfig);
        this.unet = unet;
        SchedulerConfig = schedulerConfig;
        SchedulerName = scheduler;
        Device = device;
        LatentChannels = latentChannels;
        LatentHeight = latentHeight;
        LatentWidth = latentWidth;
    }

    public SchedulerConfig SchedulerConfig { get; }

    /// <summary>The scheduler's name as <see cref="SchedulerFactory.Create"/> takes it.</summary>
    public string SchedulerName { get; }

    public Device Device { get; }

    public int LatentChannels { get; }

    public int LatentHeight { get; }

    public int LatentWidth { get; }

    /// <summary>Values of one image's latents (channels × height × width).</summary>
    public int LatentCount => LatentChannels * LatentHeight * LatentWidth;

    /// <summary>
    /// Denoises <paramref name="noise"/> (standard normal, N × <see cref="LatentCount"/> values, N the batch of
    /// <paramref name="conditional"/>; scaled by the scheduler's initial sigma here) in <paramref name="steps"/> steps,
    /// conditioned on <paramref name="conditional"/> [N, K, d]. With <paramref name="unconditional"/> ([N or 1, K, d])
    /// every step is classifier-free guided with <paramref name="guidanceScale"/> (one UNet call of batch 2N);
    /// without, each step is one call of batch N with <paramref name="conditional"/> (unguided, or DICE when it is
    /// c_dice). Returns the final latents as the UNet sees them (not yet divided by the VAE's scaling factor).
    /// </summary>
    public float[] Sample(ReadOnlySpan<float> noise, Tensor conditional, int steps, Tensor? unconditional = null, double guidanceScale = 1)
    {
        ArgumentNullException.ThrowIfNull(conditional);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        if (conditional.shape.Length != 3)
        {
            throw new ArgumentException($"the embedding must be [N, K, d], not [{string.Join(", ", conditional.shape)}]", nameof(conditional));
        }
        var n = (int)conditional.size(0);
        var latentCount = n * LatentCount;
        if (noise.Length != latentCount)
        {
            throw new ArgumentException($"{n} images of {LatentCount} latent values need {latentCount} noise values, got {noise.Length}",
                nameof(noise));
        }
        if (!double.IsFinite(guidanceScale))
        {
            throw new ArgumentOutOfRangeException(nameof(guidanceScale), guidanceScale, "the guidance scale must be finite");
        }

        var scheduler = SchedulerFactory.Create(SchedulerName, SchedulerConfig);
        scheduler.SetTimesteps(steps);
        var latents = noise.ToArray();

        using var noGrad = no_grad();
        using var contextScope = NewDisposeScope();
        var cond = TorchDevices.Same(conditional.device, Device) ? conditional : conditional.to(Device);
        Tensor? context = null;
        if (unconditional is not null)
        {
            var uncond = TorchDevices.Same(unconditional.device, Device) ? unconditional : unconditional.to(Device);
            if (uncond.size(0) != n)
            {
                uncond = uncond.expand(n, uncond.size(1), uncond.size(2));
            }
            context = cat([uncond, cond]);
        }
        var denoiser = new TeacherDenoiser(unet, Device, [n, LatentChannels, LatentHeight, LatentWidth], cond, context);
        // Only a stochastic scheduler (a teacher configured for SDE DPM-Solver++) reads per-step noise; a fixed seed keeps
        // validation grids repeatable.
        DenoisingLoop.Run(scheduler, denoiser, latents, context is null ? null : (float)guidanceScale, stepNoise: new GaussianNoise(0));
        return latents;
    }
}
