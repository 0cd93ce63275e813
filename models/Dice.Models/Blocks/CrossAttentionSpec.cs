namespace Dice.Models.Blocks;

/// <summary>
/// How a UNet block's Transformer2DModels attend: heads (channels / heads wide each), the width of the encoder
/// hidden states, transformer blocks per Transformer2DModel, and Linear (true) or 1×1-conv projections.
/// </summary>
public sealed record CrossAttentionSpec(int Heads, int CrossAttentionDim, int TransformerLayers = 1, bool UseLinearProjection = false);
