using Dice.Models.Layers;

namespace Dice.Models.Classifier;

/// <summary>
/// The attribute classifier: conv_in (3×3) at full resolution, then per stage GroupNorm, SiLU and a stride-2 3×3
/// convolution; GroupNorm and SiLU; the final map flattened; fc, SiLU; one linear layer giving every head's logits
/// concatenated in the config's head order. Parameter names: conv_in, down.{i}.norm, down.{i}.conv, norm_out, fc, heads.
/// </summary>
public sealed class AttributeClassifier<T> where T : class
{
    private const double Eps = 1e-5;

    private readonly ITensorOps<T> ops;
    private readonly Conv2d<T> convIn;
    private readonly GroupNorm<T>[] norms;
    private readonly Conv2d<T>[] downs;
    private readonly GroupNorm<T> normOut;
    private readonly Linear<T> fc;
    private readonly Linear<T> heads;

    public AttributeClassifier(ITensorOps<T> ops, AttributeClassifierConfig config, string name = "")
    {
        ArgumentNullException.ThrowIfNull(ops);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        this.ops = ops;
        Config = config;
        var widths = config.Widths;
        convIn = new Conv2d<T>(ops, ParameterName.Join(name, "conv_in"), config.InChannels, widths[0], kernelSize: 3, padding: 1);
        norms = new GroupNorm<T>[config.Stages];
        downs = new Conv2d<T>[config.Stages];
        for (var i = 0; i < config.Stages; i++)
        {
            var prefix = ParameterName.Join(name, $"down.{i}");
            norms[i] = new GroupNorm<T>(ops, ParameterName.Join(prefix, "norm"), config.NormGroups, widths[i], Eps);
            downs[i] = new Conv2d<T>(ops, ParameterName.Join(prefix, "conv"), widths[i], widths[i + 1], kernelSize: 3, stride: 2, padding: 1);
        }
        normOut = new GroupNorm<T>(ops, ParameterName.Join(name, "norm_out"), config.NormGroups, widths[^1], Eps);
        fc = new Linear<T>(ops, ParameterName.Join(name, "fc"), config.FlattenedFeatures, config.HiddenDim);
        heads = new Linear<T>(ops, ParameterName.Join(name, "heads"), config.HiddenDim, config.LogitCount);
    }

    public AttributeClassifierConfig Config { get; }

    /// <summary>Logits [B, ΣK] of an image [B, C, S, S] in [−1, 1].</summary>
    public T Forward(T image) => ForwardWithFeatures(image).Logits;

    /// <summary>
    /// The logits and the hidden features [batch, hidden_dim] the heads read them from (what dice eval's Fréchet
    /// distance compares).
    /// </summary>
    public (T Features, T Logits) ForwardWithFeatures(T image)
    {
        var h = convIn.Forward(image);
        for (var i = 0; i < downs.Length; i++)
        {
            h = downs[i].Forward(ops.Silu(norms[i].Forward(h)));
        }
        h = ops.Silu(normOut.Forward(h));
        h = ops.Reshape(h, 0, -1);
        var features = ops.Silu(fc.Forward(h));
        return (features, heads.Forward(features));
    }
}
