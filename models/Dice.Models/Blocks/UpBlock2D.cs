namespace Dice.Models.Blocks;

/// <summary>
/// A UNet up block (diffusers' CrossAttnUpBlock2D with attention, UpBlock2D without): before each ResnetBlock2D
/// "resnets.{i}" the most recent remaining skip connection is concatenated along channels (after the current
/// features), each resnet is followed by a Transformer2DModel "attentions.{i}" when <c>attention</c> is given, and an
/// optional Upsample2D "upsamplers.0" ends the block.
/// </summary>
public sealed class UpBlock2D<T> where T : class
{
    private readonly ITensorOps<T> ops;
    private readonly ResnetBlock2D<T>[] resnets;
    private readonly Transformer2DModel<T>[]? attentions;
    private readonly Upsample2D<T>? upsampler;

    /// <param name="skipChannels">Channels of the skips this block consumes, in the order it consumes them (most recent
    /// first); one resnet per skip.</param>
    /// <param name="prevOutputChannels">Channels of the block's input (the previous up block's or mid block's output).</param>
    public UpBlock2D(ITensorOps<T> ops, string name, IReadOnlyList<int> skipChannels, int prevOutputChannels, int outChannels,
        int timeEmbedDim, int groups, double eps, CrossAttentionSpec? attention, bool addUpsample)
    {
        ArgumentNullException.ThrowIfNull(ops);
        ArgumentNullException.ThrowIfNull(skipChannels);
        this.ops = ops;
        int layers = skipChannels.Count;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layers);
        resnets = new ResnetBlock2D<T>[layers];
        attentions = attention is null ? null : new Transformer2DModel<T>[layers];
        for (int i = 0; i < layers; i++)
        {
            int resnetIn = (i == 0 ? prevOutputChannels : outChannels) + skipChannels[i];
            resnets[i] = new ResnetBlock2D<T>(ops, ParameterName.Join(ParameterName.Join(name, "resnets"), i), resnetIn, outChannels,
                timeEmbedDim, groups, eps);
            if (attentions is not null)
            {
                attentions[i] = new Transformer2DModel<T>(ops, ParameterName.Join(ParameterName.Join(name, "attentions"), i), outChannels,
                    attention!.Heads, attention.CrossAttentionDim, attention.TransformerLayers, groups, attention.UseLinearProjection);
            }
        }
        if (addUpsample)
        {
            upsampler = new Upsample2D<T>(ops, ParameterName.Join(name, "upsamplers.0"), outChannels);
        }
        OutChannels = outChannels;
    }

    public int OutChannels { get; }

    /// <summary>How many skip connections <see cref="Forward"/> takes from the end of the skip list.</summary>
    public int SkipCount => resnets.Length;

    /// <summary>
    /// x [B, prev, H, W] → [B, out, 2H, 2W] (H, W without an upsampler), removing the skips it uses from the end of
    /// <paramref name="skips"/>.
    /// </summary>
    public T Forward(T input, IList<T> skips, T timeEmbedding, T? context = null)
    {
        ArgumentNullException.ThrowIfNull(skips);
        if (skips.Count < resnets.Length)
        {
            throw new ArgumentException($"the up block needs {resnets.Length} skip connections, {skips.Count} are left", nameof(skips));
        }
        var h = input;
        for (int i = 0; i < resnets.Length; i++)
        {
            var skip = skips[^1];
            skips.RemoveAt(skips.Count - 1);
            h = resnets[i].Forward(ops.Concat([h, skip], 1), timeEmbedding);
            if (attentions is not null)
            {
                h = attentions[i].Forward(h, context ?? throw new ArgumentNullException(nameof(context), "a cross-attention block needs the encoder hidden states"));
            }
        }
        return upsampler is null ? h : upsampler.Forward(h);
    }
}
