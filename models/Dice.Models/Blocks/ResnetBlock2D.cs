using Dice.Models.Layers;

namespace Dice.Models.Blocks;

/// <summary>
/// diffusers' ResnetBlock2D (pre-norm, SiLU): h = conv1(silu(norm1(x))) [+ time_emb_proj(silu(temb))],
/// h = conv2(silu(norm2(h))), out = shortcut(x) + h, where shortcut is a 1×1 "conv_shortcut" when the channel
/// count changes. The time projection exists only when <c>timeEmbedDim</c> is given (the UNet, not the VAE).
/// </summary>
public sealed class ResnetBlock2D<T> where T : class
{
    private readonly ITensorOps<T> ops;
    private readonly GroupNorm<T> norm1;
    private readonly Conv2d<T> conv1;
    private readonly Linear<T>? timeEmbProj;
    private readonly GroupNorm<T> norm2;
    private readonly Conv2d<T> conv2;
    private readonly Conv2d<T>? convShortcut;

    public ResnetBlock2D(ITensorOps<T> ops, string name, int inChannels, int outChannels, int? timeEmbedDim, int groups, double eps)
    {
        ArgumentNullException.ThrowIfNull(ops);
        this.ops = ops;
        InChannels = inChannels;
        OutChannels = outChannels;
        norm1 = new GroupNorm<T>(ops, ParameterName.Join(name, "norm1"), groups, inChannels, eps);
        conv1 = new Conv2d<T>(ops, ParameterName.Join(name, "conv1"), inChannels, outChannels, 3, padding: 1);
        if (timeEmbedDim is int dim)
        {
            timeEmbProj = new Linear<T>(ops, ParameterName.Join(name, "time_emb_proj"), dim, outChannels);
        }
        norm2 = new GroupNorm<T>(ops, ParameterName.Join(name, "norm2"), groups, outChannels, eps);
        conv2 = new Conv2d<T>(ops, ParameterName.Join(name, "conv2"), outChannels, outChannels, 3, padding: 1);
        if (inChannels != outChannels)
        {
            convShortcut = new Conv2d<T>(ops, ParameterName.Join(name, "conv_shortcut"), inChannels, outChannels, 1);
        }
    }

    public int InChannels { get; }

    public int OutChannels { get; }

    /// <summary>x [B, in, H, W], temb [B, time_embed_dim] (null for a block without time projection) → [B, out, H, W].</summary>
    public T Forward(T input, T? timeEmbedding = null)
    {
        var h = conv1.Forward(ops.Silu(norm1.Forward(input)));
        if (timeEmbProj is not null)
        {
            if (timeEmbedding is null)
            {
                throw new ArgumentNullException(nameof(timeEmbedding), "this resnet block has a time projection and needs the time embedding");
            }
            var t = timeEmbProj.Forward(ops.Silu(timeEmbedding));
            h = ops.Add(h, ops.Unsqueeze(ops.Unsqueeze(t, 2), 3));
        }
        h = conv2.Forward(ops.Silu(norm2.Forward(h)));
        var shortcut = convShortcut is null ? input : convShortcut.Forward(input);
        return ops.Add(shortcut, h);
    }
}
