namespace Dice.Models.Blocks;

/// <summary>
/// A UNet or VAE-encoder down block: <c>layers</c> ResnetBlock2Ds "resnets.{i}", each followed by a
/// Transformer2DModel "attentions.{i}" when <c>attention</c> is given, then an optional Downsample2D
/// "downsamplers.0". diffusers' CrossAttnDownBlock2D (with attention), DownBlock2D (without) and DownEncoderBlock2D
/// (no time embedding, downsample padding 0).
/// </summary>
public sealed class DownBlock2D<T> where T : class
{
    private readonly ResnetBlock2D<T>[] resnets;
    private readonly Transformer2DModel<T>[]? attentions;
    private readonly Downsample2D<T>? downsampler;

    /// <param name="downsamplePadding">Padding of the downsampler's convolution, or null for a block without one.</param>
    public DownBlock2D(ITensorOps<T> ops, string name, int inChannels, int outChannels, int layers, int? timeEmbedDim, int groups,
        double eps, CrossAttentionSpec? attention, int? downsamplePadding)
    {
        ArgumentNullException.ThrowIfNull(ops);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layers);
        resnets = new ResnetBlock2D<T>[layers];
        attentions = attention is null ? null : new Transformer2DModel<T>[layers];
        for (int i = 0; i < layers; i++)
        {
            resnets[i] = new ResnetBlock2D<T>(ops, ParameterName.Join(ParameterName.Join(name, "resnets"), i), i == 0 ? inChannels : outChannels,
                outChannels, timeEmbedDim, groups, eps);
            if (attentions is not null)
            {
                attentions[i] = new Transformer2DModel<T>(ops, ParameterName.Join(ParameterName.Join(name, "attentions"), i), outChannels,
                    attention!.Heads, attention.CrossAttentionDim, attention.TransformerLayers, groups, attention.UseLinearProjection);
            }
        }
        if (downsamplePadding is int padding)
        {
            downsampler = new Downsample2D<T>(ops, ParameterName.Join(name, "downsamplers.0"), outChannels, padding);
        }
        OutChannels = outChannels;
    }

    public int OutChannels { get; }

    /// <summary>How many feature maps <see cref="Forward"/> adds to the skip list: one per resnet, one for the downsampler.</summary>
    public int SkipCount => resnets.Length + (downsampler is null ? 0 : 1);

    /// <summary>
    /// x [B, in, H, W] → [B, out, H/2, W/2] (H, W without a downsampler). Every intermediate output is appended to
    /// <paramref name="skips"/> when given (the UNet's skip connections).
    /// </summary>
    public T Forward(T input, T? timeEmbedding = null, T? context = null, ICollection<T>? skips = null)
    {
        var h = input;
        for (int i = 0; i < resnets.Length; i++)
        {
            h = resnets[i].Forward(h, timeEmbedding);
            if (attentions is not null)
            {
                h = attentions[i].Forward(h, context ?? throw new ArgumentNullException(nameof(context), "a cross-attention block needs the encoder hidden states"));
            }
            skips?.Add(h);
        }
        if (downsampler is not null)
        {
            h = downsampler.Forward(h);
            skips?.Add(h);
        }
        return h;
    }
}
