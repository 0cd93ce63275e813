namespace Dice.Models.Vae;

/// <summary>
/// diffusers' AutoencoderKL (the SD VAE): <see cref="VaeEncoder{T}"/> and <see cref="VaeDecoder{T}"/> under one
/// name prefix, with diffusers' state-dict names. Build either half alone to declare only its parameters.
/// </summary>
public sealed class AutoencoderKL<T> where T : class
{
    public AutoencoderKL(ITensorOps<T> ops, AutoencoderKLConfig config, string name = "")
    {
        ArgumentNullException.ThrowIfNull(ops);
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        Encoder = new VaeEncoder<T>(ops, config, name);
        Decoder = new VaeDecoder<T>(ops, config, name);
    }

    public AutoencoderKLConfig Config { get; }

    public VaeEncoder<T> Encoder { get; }

    public VaeDecoder<T> Decoder { get; }

    /// <summary>image [B, in_channels, H, W] in [−1, 1] → moments [B, 2·latent_channels, H/f, W/f] (mean ‖ log-variance).</summary>
    public T Encode(T sample) => Encoder.Forward(sample);

    /// <summary>
    /// latents [B, latent_channels, h, w], already divided by <see cref="AutoencoderKLConfig.ScalingFactor"/> by the
    /// caller → image [B, out_channels, h·f, w·f] in about [−1, 1].
    /// </summary>
    public T Decode(T latents) => Decoder.Forward(latents);
}
