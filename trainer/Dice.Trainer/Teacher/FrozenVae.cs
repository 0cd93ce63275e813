using Dice.Models.Vae;
using Dice.Trainer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dice.Trainer.Teacher;

/// <summary>
/// A trained AutoencoderKL used, without gradients, to turn images into the UNet's latents and latents back into
/// images.
/// </summary>
public sealed class FrozenVae : IDisposable
{
    private readonly TorchOps ops;
    private readonly bool ownsOps;

    /// <summary>Wraps a VAE already in memory (e.g. <see cref="VaeTrainer.Model"/>); the caller keeps ownership of <paramref name="ops"/>.</summary>
    public FrozenVae(AutoencoderKL<Tensor> model, TorchOps ops) : this(model, ops, ownsOps: false)
    {
    }

    private FrozenVae(AutoencoderKL<Tensor> model, TorchOps ops, bool ownsOps)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(ops);
        Model = model;
        this.ops = ops;
        this.ownsOps = ownsOps;
    }

    public AutoencoderKL<Tensor> Model { get; }

    public AutoencoderKLConfig Config => Model.Config;

    public torch.Device Device => ops.Device;

    /// <summary>
    /// Loads VAE weights saved by <see cref="TorchOps.Save"/> (a VAE checkpoint's model file, or the exported
    /// vae/diffusion_pytorch_model.safetensors); its parameters are frozen.
    /// </summary>
    public static FrozenVae Load(AutoencoderKLConfig config, string weightsPath, torch.Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var ops = new TorchOps(device);
        try
        {
            var model = new AutoencoderKL<Tensor>(ops, config);
            ops.LoadStateDictFile(weightsPath);
            ops.RequiresGrad(false);
            return new FrozenVae(model, ops, ownsOps: true);
        }
        catch
        {
            ops.Dispose();
            throw;
        }
    }

    /// <summary>The posterior means of <paramref name="images"/> [B, 3, H, W] in [−1, 1], unscaled, detached.</summary>
    public Tensor EncodeMean(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var x = TorchDevices.Same(images.device, Device) ? images : images.to(Device);
        var moments = Model.Encode(x);
        return moments.chunk(2, 1)[0].contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The UNet's latents of <paramref name="images"/>: posterior mean × <paramref name="scalingFactor"/> (default: the config's).</summary>
    public Tensor EncodeLatents(Tensor images, double? scalingFactor = null)
    {
        using var mean = EncodeMean(images);
        using var noGrad = no_grad();
        return mean.Times(scalingFactor ?? Config.ScalingFactor);
    }

    /// <summary>
    /// The UNet's latents of <paramref name="images"/> drawn from the VAE's posterior: (mean + σ·z) ×
    /// <paramref name="scalingFactor"/> (default: the config's), σ = exp(½·logvar) with logvar clamped to [−30, 20]
    /// as diffusers' DiagonalGaussianDistribution does, z ~ N(0, 1) from <paramref name="generator"/>.
    /// </summary>
    public Tensor SampleLatents(Tensor images, Generator generator, double? scalingFactor = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(generator);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var x = TorchDevices.Same(images.device, Device) ? images : images.to(Device);
        var moments = Model.Encode(x).chunk(2, 1);
        var mean = moments[0];
        var std = moments[1].Clamped(-30.0, 20.0).Times(0.5).exp();
        var z = SeededRandom.Randn(mean.shape, mean.dtype, mean.device, generator);
        return (std * z).Plus(mean).Times(scalingFactor ?? Config.ScalingFactor).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The decoder's images [B, out_channels, H, W] (about [−1, 1], unclamped, detached, on <see cref="Device"/>) of
    /// <paramref name="latents"/> [B, latent_channels, h, w] as the UNet sees them: they are divided by
    /// <paramref name="scalingFactor"/> (default: the config's) first, the inverse of <see cref="EncodeLatents"/>.
    /// </summary>
    public Tensor Decode(Tensor latents, double? scalingFactor = null)
    {
        ArgumentNullException.ThrowIfNull(latents);
        var factor = scalingFactor ?? Config.ScalingFactor;
        if (!(factor > 0) || !double.IsFinite(factor))
        {
            throw new ArgumentOutOfRangeException(nameof(scalingFactor), factor, "the scaling factor must be positive and finite");
        }
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var x = TorchDevices.Same(latents.device, Device) ? latents : latents.to(Device);
        return Model.Decode(x.DividedBy(factor)).contiguous().MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        if (ownsOps)
        {
            ops.Dispose();
        }
    }
}
