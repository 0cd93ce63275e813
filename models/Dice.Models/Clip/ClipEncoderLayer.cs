using Dice.Models.Layers;

namespace Dice.Models.Clip;

/// <summary>
/// One pre-LayerNorm transformer layer of the CLIP text encoder: x + self_attn(layer_norm1(x)) with a causal mask,
/// then x + mlp.fc2(act(mlp.fc1(layer_norm2(x)))).
/// </summary>
public sealed class ClipEncoderLayer<T> where T : class
{
    private readonly ITensorOps<T> ops;
    private readonly MultiHeadAttention<T> selfAttention;
    private readonly LayerNorm<T> layerNorm1;
    private readonly Linear<T> fc1;
    private readonly Linear<T> fc2;
    private readonly LayerNorm<T> layerNorm2;
    private readonly ClipActivation activation;

    public ClipEncoderLayer(ITensorOps<T> ops, ClipTextConfig config, string name)
    {
        ArgumentNullException.ThrowIfNull(ops);
        ArgumentNullException.ThrowIfNull(config);
        this.ops = ops;
        activation = config.HiddenAct;
        long width = config.HiddenSize;
        // Declared in transformers' module order, so the inventory lists them as a state dict does.
        selfAttention = new MultiHeadAttention<T>(ops, ParameterName.Join(name, "self_attn"), width, width,
            config.NumAttentionHeads, config.HeadDim, projectionBias: true, AttentionNames.Clip);
        layerNorm1 = new LayerNorm<T>(ops, ParameterName.Join(name, "layer_norm1"), width, config.LayerNormEps);
        fc1 = new Linear<T>(ops, ParameterName.Join(name, "mlp.fc1"), width, config.IntermediateSize);
        fc2 = new Linear<T>(ops, ParameterName.Join(name, "mlp.fc2"), config.IntermediateSize, width);
        layerNorm2 = new LayerNorm<T>(ops, ParameterName.Join(name, "layer_norm2"), width, config.LayerNormEps);
    }

    /// <summary>[B, L, d] → [B, L, d]; position l attends to positions ≤ l only.</summary>
    public T Forward(T hidden)
    {
        var attended = selfAttention.Forward(layerNorm1.Forward(hidden), causal: true);
        hidden = ops.Add(hidden, attended);
        var expanded = fc1.Forward(layerNorm2.Forward(hidden));
        var activated = activation == ClipActivation.Gelu ? ops.Gelu(expanded) : ops.QuickGelu(expanded);
        return ops.Add(hidden, fc2.Forward(activated));
    }
}
