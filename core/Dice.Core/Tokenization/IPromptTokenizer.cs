namespace Dice.Core.Tokenization;

/// <summary>
/// Turns a prompt into the fixed-length id sequence a text encoder takes. <see cref="ClipTokenizer"/> is the
/// built-in implementation (CLIP's clean-up in front of Microsoft.ML.Tokenizers' BPE); another can replace it.
/// </summary>
public interface IPromptTokenizer
{
    /// <summary>Length of every sequence <see cref="Tokenize"/> returns.</summary>
    int MaxLength { get; }

    /// <summary>Start token, the prompt's ids (truncated), end token, then padding: exactly <see cref="MaxLength"/> ids.</summary>
    int[] Tokenize(string prompt);
}
