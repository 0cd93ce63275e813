using Dice.Models.Blocks;
using Dice.Models.Layers;

namespace Dice.Models.Unet;

/// <summary>
/// diffusers' UNet2DConditionModel for the SD1.x/SD2.x family: the noise (or v) prediction for a latent sample at a
/// timestep, conditioned on text-encoder hidden states. Parameter names are diffusers' state-dict names, under an
/// optional prefix. Spatial sizes of the sample must be multiples of <see cref="UNet2DConditionConfig.SpatialMultiple"/>
/// (8 for SD1.5): upsampling is a plain ×2, as diffusers does for such sizes.
/// </summary>
public sealed class UNet2DConditionModel<T> where T : class
{
    private readonly ITensorOps<T> ops;
    private readonly Conv2d<T> convIn;
    private readonly TimestepEmbedding<T> timeEmbedding;
    private readonly DownBlock2D<T>[] downBlocks;
    private readonly UNetMidBlock2DCrossAttn<T>? midBlock;
    private readonly UpBlock2D<T>[] upBlocks;
    private readonly GroupNorm<T> convNormOut;
    private readonly Conv2d<T> convOut;

    public UNet2DConditionModel(ITensorOps<T> ops, UNet2DConditionConfig config, string name = "")
    {
        ArgumentNullException.ThrowIfNull(ops);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        this.ops = ops;
        Config = config;
        var channels = config.BlockOutChannels;
        int n = config.BlockCount;
        int temb = config.TimeEmbedDim;
        int groups = config.NormNumGroups;
        double eps = config.NormEps;

        convIn = new Conv2d<T>(ops, ParameterName.Join(name, "conv_in"), config.InChannels, channels[0], 3, padding: 1);
        timeEmbedding = new TimestepEmbedding<T>(ops, ParameterName.Join(name, "time_embedding"), config.TimestepInputDim, temb,
            config.FlipSinToCos, config.FreqShift);

        // Channels of every feature map the down path leaves for the up path, in the order they are produced.
        var skipChannels = new List<int> { channels[0] };
        downBlocks = new DownBlock2D<T>[n];
        for (int i = 0; i < n; i++)
        {
            int input = i == 0 ? channels[0] : channels[i - 1];
            bool isFinal = i == n - 1;
            var attention = config.DownBlockTypes[i] == UNet2DConditionConfig.CrossAttnDownBlock ? Attention(config, i) : null;
            downBlocks[i] = new DownBlock2D<T>(ops, ParameterName.Join(ParameterName.Join(name, "down_blocks"), i), input, channels[i],
                config.LayersPerBlock[i], temb, groups, eps, attention, isFinal ? null : config.DownsamplePadding);
            skipChannels.AddRange(Enumerable.Repeat(channels[i], downBlocks[i].SkipCount));
        }

        if (config.MidBlockType is not null)
        {
            midBlock = new UNetMidBlock2DCrossAttn<T>(ops, ParameterName.Join(name, "mid_block"), channels[n - 1], temb, groups, eps,
                Attention(config, n - 1));
        }

        upBlocks = new UpBlock2D<T>[n];
        int output = channels[n - 1];
        for (int i = 0; i < n; i++)
        {
            int level = n - 1 - i;
            int prevOutput = output;
            output = channels[level];
            int input = channels[Math.Max(level - 1, 0)];
            int layers = config.LayersPerBlock[level] + 1;
            // diffusers' arithmetic: the last resnet takes the skip from the level above, the others this level's.
            var skips = Enumerable.Range(0, layers).Select(j => j == layers - 1 ? input : output).ToArray();
            CheckSkips(skipChannels, skips, i);
            var attention = config.UpBlockTypes[i] == UNet2DConditionConfig.CrossAttnUpBlock ? Attention(config, level) : null;
            upBlocks[i] = new UpBlock2D<T>(ops, ParameterName.Join(ParameterName.Join(name, "up_blocks"), i), skips, prevOutput, output, temb,
                groups, eps, attention, addUpsample: i < n - 1);
        }

        convNormOut = new GroupNorm<T>(ops, ParameterName.Join(name, "conv_norm_out"), groups, channels[0], eps);
        convOut = new Conv2d<T>(ops, ParameterName.Join(name, "conv_out"), channels[0], config.OutChannels, 3, padding: 1);
    }

    public UNet2DConditionConfig Config { get; }

    private static CrossAttentionSpec Attention(UNet2DConditionConfig config, int level) => new(config.AttentionHeadDim[level],
        config.CrossAttentionDim[level], config.TransformerLayersPerBlock[level], config.UseLinearProjection);

    /// <summary>Takes the channels an up block will consume off the end of the skip list and checks they match.</summary>
    private static void CheckSkips(List<int> available, int[] expected, int block)
    {
        for (int j = 0; j < expected.Length; j++)
        {
            if (available.Count == 0 || available[^1] != expected[j])
            {
                throw new NotSupportedException($"up_blocks.{block}: its skip connections do not line up with the down path's outputs; "
                    + "the config's layers_per_block and block types are not a UNet layout Dice can build");
            }
            available.RemoveAt(available.Count - 1);
        }
    }

    /// <summary>
    /// sample [B, in_channels, h, w], timestep [1] or [B] (integer or float), encoderHiddenStates [B, S, cross_attention_dim]
    /// (or batch 1, broadcast) → [B, out_channels, h, w].
    /// </summary>
    public T Forward(T sample, T timestep, T encoderHiddenStates)
    {
        var x = Config.CenterInputSample ? ops.Sub(ops.Scale(sample, 2), ops.Constant([1f], [1])) : sample;
        var temb = timeEmbedding.Forward(timestep, x);

        var h = convIn.Forward(x);
        var skips = new List<T> { h };
        foreach (var block in downBlocks)
        {
            h = block.Forward(h, temb, encoderHiddenStates, skips);
        }
        if (midBlock is not null)
        {
            h = midBlock.Forward(h, temb, encoderHiddenStates);
        }
        foreach (var block in upBlocks)
        {
            h = block.Forward(h, skips, temb, encoderHiddenStates);
        }
        return convOut.Forward(ops.Silu(convNormOut.Forward(h)));
    }
}
