using System.Text;
using System.Text.RegularExpressions;

namespace Dice.Core.Tokenization;

/// <summary>
/// CLIP's pre-tokenisation, shared by the runtime tokenizer (<see cref="ClipTokenizer"/>) and dice-mini's BPE learner:
/// the text is cleaned by <see cref="ClipTextCleaner"/> (ftfy's fixes, HTML-unescaped, whitespace collapsed and
/// trimmed, lower-cased), split with CLIP's pattern into words (the two special tokens as wholes, the contractions 's 't 're 've 'm 'll
/// 'd, letter runs, single digits, runs of other non-space characters), and each word's UTF-8 bytes become
/// byte-level symbols, the last one carrying <c>&lt;/w&gt;</c>.
/// </summary>
public static partial class ClipPreTokenizer
{
    /// <summary>Marks the last symbol of a word.</summary>
    public const string EndOfWord = "</w>";

    /// <summary>The start-of-text special token.</summary>
    public const string StartOfText = "<|startoftext|>";

    /// <summary>The end-of-text special token (also CLIP's padding and unknown token).</summary>
    public const string EndOfText = "<|endoftext|>";

    /// <summary>
    /// The words of <paramref name="text"/> after cleaning, in order. A literal <c>&lt;|startoftext|&gt;</c> or
    /// <c>&lt;|endoftext|&gt;</c> in the text is one word (the runtime emits the special token's id for it).
    /// </summary>
    public static IReadOnlyList<string> Words(string text)
    {
        var cleaned = ClipTextCleaner.Clean(text);
        var words = new List<string>();
        foreach (var match in WordPattern().EnumerateMatches(cleaned))
        {
            words.Add(cleaned.Substring(match.Index, match.Length));
        }
        return words;
    }

    /// <summary>Whether a word is one of the two special tokens, which are never split into symbols.</summary>
    public static bool IsSpecialToken(ReadOnlySpan<char> word) =>
        word.SequenceEqual(StartOfText) || word.SequenceEqual(EndOfText);

    /// <summary>
    /// The byte-level symbols of one word before any merge: one per UTF-8 byte (a lone surrogate counts as U+FFFD,
    /// as in the runtime), the last with <c>&lt;/w&gt;</c>. "cat" → ["c", "a", "t&lt;/w&gt;"].
    /// </summary>
    public static string[] ByteSymbols(ReadOnlySpan<char> word)
    {
        var ids = InitialSymbolIds(word);
        var symbols = new string[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            symbols[i] = ids[i] < ByteAlphabet.Count
                ? ByteAlphabet.InIdOrder[ids[i]]
                : ByteAlphabet.InIdOrder[ids[i] - ByteAlphabet.Count] + EndOfWord;
        }
        return symbols;
    }

    /// <summary>The word's symbols as base-alphabet ids (0..255 byte symbols, 256..511 with &lt;/w&gt;).</summary>
    public static int[] InitialSymbolIds(ReadOnlySpan<char> word)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(word)];
        Encoding.UTF8.GetBytes(word, bytes);
        var ids = new int[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            ids[i] = ByteAlphabet.Id(bytes[i]);
        }
        if (ids.Length > 0)
        {
            ids[^1] += ByteAlphabet.Count;
        }
        return ids;
    }

    /// <summary>CLIP's word pattern, applied to cleaned (lower-cased) text, so case-sensitive here.</summary>
    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+", RegexOptions.CultureInvariant)]
    public static partial Regex WordPattern();
}
