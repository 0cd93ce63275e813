using Dice.Core.Tokenization;

namespace Dice.Data.Tokenization;

/// <summary>Settings <see cref="BpeTokenizerFiles.Write"/> puts into tokenizer_config.json and special_tokens_map.json.</summary>
public sealed record BpeTokenizerFileOptions
{
    /// <summary>model_max_length: the length of every tokenised prompt (CLIP: 77). At least 2.</summary>
    public int ModelMaxLength { get; init; } = 77;

    /// <summary>pad_token; must be in the vocabulary. CLIP pads with <c>&lt;|endoftext|&gt;</c>.</summary>
    public string PadToken { get; init; } = ClipPreTokenizer.EndOfText;

    /// <summary>Replace an existing folder (still never leaving a half-written one). Off: an existing folder is an error.</summary>
    public bool Overwrite { get; init; }
}
