using Dice.Models.Layers;

namespace Dice.Models.Blocks;

/// <summary>
/// diffusers' Transformer2DModel on a feature map: GroupNorm "norm" (eps 1e-6), "proj_in", the map flattened to a
/// [B, H·W, C] sequence through <c>layers</c> BasicTransformerBlocks "transformer_blocks.{i}", back to [B, C, H, W],
/// "proj_out", plus the input. proj_in/proj_out are 1×1 convolutions (SD1.x) or, with a linear projection (SD2.x),
/// Linear layers applied to the sequence.
/// </summary>
public sealed class Transformer2DModel<T> where T : class
{
    private const double NormEps = 1e-6;

    private readonly ITensorOps<T> ops;
    private readonly GroupNorm<T> norm;
    private readonly Conv2d<T>? convIn;
    private readonly Conv2d<T>? convOut;
    private readonly Linear<T>? linearIn;
    private readonly Linear<T>? linearOut;
    private readonly BasicTransformerBlock<T>[] blocks;

    public Transformer2DModel(ITensorOps<T> ops, string name, int channels, int heads, int crossAttentionDim, int layers, int groups,
        bool useLinearProjection)
    {
        ArgumentNullException.ThrowIfNull(ops);
        this.ops = ops;
        norm = new GroupNorm<T>(ops, ParameterName.Join(name, "norm"), groups, channels, NormEps);
        if (useLinearProjection)
        {
            linearIn = new Linear<T>(ops, ParameterName.Join(name, "proj_in"), channels, channels);
        }
        else
        {
            convIn = new Conv2d<T>(ops, ParameterName.Join(name, "proj_in"), channels, channels, 1);
        }
        blocks = new BasicTransformerBlock<T>[layers];
        for (int i = 0; i < layers; i++)
        {
            blocks[i] = new BasicTransformerBlock<T>(ops, ParameterName.Join(ParameterName.Join(name, "transformer_blocks"), i), channels,
                heads, crossAttentionDim);
        }
        if (useLinearProjection)
        {
            linearOut = new Linear<T>(ops, ParameterName.Join(name, "proj_out"), channels, channels);
        }
        else
        {
            convOut = new Conv2d<T>(ops, ParameterName.Join(name, "proj_out"), channels, channels, 1);
        }
    }

    /// <summary>x [B, C, H, W], context [B or 1, S, cross_attention_dim] → [B, C, H, W].</summary>
    public T Forward(T input, T context)
    {
        var h = norm.Forward(input);
        if (convIn is not null)
        {
            h = convIn.Forward(h);
        }
        h = FeatureMap.ToSequence(ops, h);
        if (linearIn is not null)
        {
            h = linearIn.Forward(h);
        }
        foreach (var block in blocks)
        {
            h = block.Forward(h, context);
        }
        if (linearOut is not null)
        {
            h = linearOut.Forward(h);
        }
        h = FeatureMap.FromSequence(ops, h, input);
        if (convOut is not null)
        {
            h = convOut.Forward(h);
        }
        return ops.Add(h, input);
    }
}
