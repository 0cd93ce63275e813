using Dice.Models.Clip;

namespace Dice.Models.Tests;

/// <summary>A CLIP text encoder small enough to build, save and run in a test.</summary>
internal static class ClipTiny
{
    /// <summary>The end-of-text id: the largest id in the vocabulary, as in CLIP.</summary>
    public const long EndOfText = 49;

    public const long StartOfText = 48;

    public static ClipTextConfig Config { get; } = new()
    {
        VocabSize = 50,
        HiddenSize = 8,
        IntermediateSize = 16,
        NumHiddenLayers = 2,
        NumAttentionHeads = 2,
        MaxPositionEmbeddings = 6,
        BosTokenId = (int)StartOfText,
        EosTokenId = (int)EndOfText,
    };

    public static IReadOnlyList<ParameterSpec> Parameters(ClipTextConfig? config = null) =>
        ParameterInventory.Of(ops => _ = new ClipTextModel<ParameterInventory.Declared>(ops, config ?? Config));
}
