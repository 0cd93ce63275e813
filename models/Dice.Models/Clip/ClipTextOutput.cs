namespace Dice.Models.Clip;

/// <summary>What a CLIP text encoder returns.</summary>
/// <param name="LastHiddenState">[B, L, d]: every token's hidden state after the final LayerNorm.</param>
/// <param name="PoolerOutput">[B, d]: the row of <paramref name="LastHiddenState"/> at the end-of-text token.</param>
public sealed record ClipTextOutput<T>(T LastHiddenState, T PoolerOutput) where T : class;
