using Dice.Models.Blocks;
using Dice.Models.Layers;

namespace Dice.Models.Vae;

/// <summary>
/// The encoder half of <see cref="AutoencoderKL{T}"/>: diffusers' Encoder ("{name}.encoder.*": conv_in, down blocks,
/// mid block, conv_norm_out, SiLU, conv_out to 2·latent channels) followed by "{name}.quant_conv". Declares only
/// these parameters, so it can be built alone (the vae_encoder export) with the full model's names.
/// </summary>
public sealed class VaeEncoder<T> where T : class
{
    private readonly ITensorOps<T> ops;
    private readonly Conv2d<T> convIn;
    private readonly DownBlock2D<T>[] downBlocks;
    private readonly UNetMidBlock2D<T> midBlock;
    private readonly GroupNorm<T> convNormOut;
    private readonly Conv2d<T> convOut;
    private readonly Conv2d<T>? quantConv;

    public VaeEncoder(ITensorOps<T> ops, AutoencoderKLConfig config, string name = "")
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
        string encoder = ParameterName.Join(name, "encoder");

        convIn = new Conv2d<T>(ops, ParameterName.Join(encoder, "conv_in"), config.InChannels, channels[0], 3, padding: 1);
        downBlocks = new DownBlock2D<T>[n];
        for (int i = 0; i < n; i++)
        {
            downBlocks[i] = new DownBlock2D<T>(ops, ParameterName.Join(ParameterName.Join(encoder, "down_blocks"), i),
                i == 0 ? channels[0] : channels[i - 1], channels[i], config.LayersPerBlock, null, groups, eps, null,
                i < n - 1 ? 0 : null);
        }
        midBlock = new UNetMidBlock2D<T>(ops, ParameterName.Join(encoder, "mid_block"), channels[n - 1], groups, eps, config.MidBlockAddAttention);
        convNormOut = new GroupNorm<T>(ops, ParameterName.Join(encoder, "conv_norm_out"), groups, channels[n - 1], eps);
        int moments = 2 * config.LatentChannels;
        convOut = new Conv2d<T>(ops, ParameterName.Join(encoder, "conv_out"), channels[n - 1], moments, 3, padding: 1);
        if (config.UseQuantConv)
        {
            quantConv = new Conv2d<T>(ops, ParameterName.Join(name, "quant_conv"), moments, moments, 1);
        }
    }

    public AutoencoderKLConfig Config { get; }

    /// <summary>
    /// image [B, in_channels, H, W] (values in [−1, 1]) → the latent distribution's moments [B, 2·latent_channels,
    /// H/f, W/f]: the mean's channels, then the log-variance's (f = <see cref="AutoencoderKLConfig.DownscaleFactor"/>).
    /// </summary>
    public T Forward(T sample)
    {
        var h = convIn.Forward(sample);
        foreach (var block in downBlocks)
        {
            h = block.Forward(h);
        }
        h = convOut.Forward(ops.Silu(convNormOut.Forward(midBlock.Forward(h))));
        return quantConv is null ? h : quantConv.Forward(h);
    }

    /// <summary>The mean of the latent distribution [B, latent_channels, H/f, W/f]: the deterministic encoding.</summary>
    public T ForwardMean(T sample) => ops.Chunk(Forward(sample), 2, 1)[0];
}
