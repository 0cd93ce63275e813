namespace Dice.Models.Blocks;

/// <summary>
/// The VAE decoder's up block (diffusers' UpDecoderBlock2D): <c>layers</c> ResnetBlock2Ds "resnets.{i}" without time
/// embedding or skip connections, then an optional Upsample2D "upsamplers.0".
/// </summary>
public sealed class UpDecoderBlock2D<T> where T : class
{
    private readonly ResnetBlock2D<T>[] resnets;
    private readonly Upsample2D<T>? upsampler;

    public UpDecoderBlock2D(ITensorOps<T> ops, string name, int inChannels, int outChannels, int layers, int groups, double eps,
        bool addUpsample)
    {
        ArgumentNullException.ThrowIfNull(ops);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layers);
        resnets = new ResnetBlock2D<T>[layers];
        for (int i = 0; i < layers; i++)
        {
            resnets[i] = new ResnetBlock2D<T>(ops, ParameterName.Join(ParameterName.Join(name, "resnets"), i), i == 0 ? inChannels : outChannels,
                outChannels, null, groups, eps);
        }
        if (addUpsample)
        {
            upsampler = new Upsample2D<T>(ops, ParameterName.Join(name, "upsamplers.0"), outChannels);
        }
    }

    /// <summary>x [B, in, H, W] → [B, out, 2H, 2W] (H, W without an upsampler).</summary>
    public T Forward(T input)
    {
        var h = input;
        foreach (var resnet in resnets)
        {
            h = resnet.Forward(h);
        }
        return upsampler is null ? h : upsampler.Forward(h);
    }
}
