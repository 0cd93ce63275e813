using Dice.Models.Layers;

namespace Dice.Models.Clip;

/// <summary>
/// transformers' CLIPTextModel (SD1.5's text encoder): token plus learned position embeddings, pre-LayerNorm
/// transformer layers with causal self-attention, a final LayerNorm. Parameter names are the state-dict names of
/// a text_encoder/model.safetensors ("text_model.embeddings.token_embedding.weight", …).
/// </summary>
public sealed class ClipTextModel<T> where T : class
{
    private readonly ITensorOps<T> ops;
    private readonly Embedding<T> tokenEmbedding;
    private readonly Embedding<T> positionEmbedding;
    private readonly ClipEncoderLayer<T>[] layers;
    private readonly LayerNorm<T> finalLayerNorm;

    /// <param name="ops">The backend.</param>
    /// <param name="config">The sizes.</param>
    /// <param name="prefix">Put before every name (empty for a CLIPTextModel state dict).</param>
    public ClipTextModel(ITensorOps<T> ops, ClipTextConfig config, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(ops);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(prefix);
        config.Validate();
        this.ops = ops;
        Config = config;
        var root = ParameterName.Join(prefix, "text_model");
        var embeddings = ParameterName.Join(root, "embeddings");
        tokenEmbedding = new Embedding<T>(ops, ParameterName.Join(embeddings, "token_embedding"), config.VocabSize, config.HiddenSize);
        positionEmbedding = new Embedding<T>(ops, ParameterName.Join(embeddings, "position_embedding"),
            config.MaxPositionEmbeddings, config.HiddenSize);
        var encoderLayers = ParameterName.Join(root, "encoder.layers");
        layers = new ClipEncoderLayer<T>[config.NumHiddenLayers];
        for (var i = 0; i < layers.Length; i++)
        {
            layers[i] = new ClipEncoderLayer<T>(ops, config, ParameterName.Join(encoderLayers, i));
        }
        finalLayerNorm = new LayerNorm<T>(ops, ParameterName.Join(root, "final_layer_norm"), config.HiddenSize, config.LayerNormEps);
    }

    public ClipTextConfig Config { get; }

    /// <summary>
    /// Encodes token ids [B, L] (integer, L ≤ max_position_embeddings) into the last hidden state [B, L, d] and the
    /// pooled output [B, d] taken at each row's largest id (the first end-of-text token).
    /// </summary>
    public ClipTextOutput<T> Forward(T inputIds)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        var positions = ops.LeadingRows(positionEmbedding.Weight, inputIds, 1);
        var hidden = ops.Add(tokenEmbedding.Forward(inputIds), positions);
        foreach (var layer in layers)
        {
            hidden = layer.Forward(hidden);
        }
        var last = finalLayerNorm.Forward(hidden);
        return new ClipTextOutput<T>(last, ops.PoolAtArgmax(last, inputIds));
    }
}
