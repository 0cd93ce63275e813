using Dice.Models.Blocks;
using Dice.Models.Layers;

namespace Dice.Models.Vae;

/// <summary>
/// The decoder half of <see cref="AutoencoderKL{T}"/>: "{name}.post_quant_conv" followed by diffusers' Decoder
/// ("{name}.decoder.*": conv_in, mid block, up blocks, conv_norm_out, SiLU, conv_out). Declares only these
/// parameters, so it can be built alone (the vae_decoder export) with the full model's names.
/// </summary>
public sealed class VaeDecoder<T> where T : class
{
    private readonly ITensorOps<T> ops;
    private readonly Conv2d<T>? postQuantConv;
    private readonly Conv2d<T> convIn;
    private readonly UNetMidBlock2D<T> midBlock;
    private readonly UpDecoderBlock2D<T>[] upBlocks;
    private readonly GroupNorm<T> convNormOut;
    private readonly Conv2d<T> convOut;

    public VaeDecoder(ITensorOps<T> ops, AutoencoderKLConfig config, string name = "")
    {
        ArgumentNullException.ThrowIfNull(ops);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        this.ops = ops;
        Config = config;
        var channels = config.BlockOutChannels;
        int n = config.BlockCount;
        int groups = config.NormNumGroups;
        const double eps = AutoencoderKLConfig.NormEps;
        string decoder = ParameterName.Join(name, "decoder");

        if (config.UsePostQuantConv)
        {
            postQuantConv = new Conv2d<T>(ops, ParameterName.Join(name, "post_quant_conv"), config.LatentChannels, config.LatentChannels, 1);
        }
        convIn = new Conv2d<T>(ops, ParameterName.Join(decoder, "conv_in"), config.LatentChannels, channels[n - 1], 3, padding: 1);
        midBlock = new UNetMidBlock2D<T>(ops, ParameterName.Join(decoder, "mid_block"), channels[n - 1], groups, eps, config.MidBlockAddAttention);
        upBlocks = new UpDecoderBlock2D<T>[n];
        for (int i = 0; i < n; i++)
        {
            int level = n - 1 - i;
            int input = i == 0 ? channels[n - 1] : channels[level + 1];
            upBlocks[i] = new UpDecoderBlock2D<T>(ops, ParameterName.Join(ParameterName.Join(decoder, "up_blocks"), i), input, channels[level],
                config.LayersPerBlock + 1, groups, eps, addUpsample: i < n - 1);
        }
        convNormOut = new GroupNorm<T>(ops, ParameterName.Join(decoder, "conv_norm_out"), groups, channels[0], eps);
        convOut = new Conv2d<T>(ops, ParameterName.Join(decoder, "conv_out"), channels[0], config.OutChannels, 3, padding: 1);
    }

    public AutoencoderKLConfig Config { get; }

    /// <summary>
    /// latents [B, latent_channels, h, w] in the VAE's own latent space, that is the diffusion latents already divided
    /// by <see cref="AutoencoderKLConfig.ScalingFactor"/> by the caller → image [B, out_channels, h·f, w·f] in about
    /// [−1, 1] (f = <see cref="AutoencoderKLConfig.DownscaleFactor"/>).
    /// </summary>
    public T Forward(T latents)
    {
        var h = postQuantConv is null ? latents : postQuantConv.Forward(latents);
        h = midBlock.Forward(convIn.Forward(h));
        foreach (var block in upBlocks)
        {
            h = block.Forward(h);
        }
        return convOut.Forward(ops.Silu(convNormOut.Forward(h)));
    }
}
