using System.Text;
using Microsoft.ML.Tokenizers;

namespace Dice.Core.Tokenization;

/// <summary>
/// The CLIP BPE tokenizer of Stable Diffusion's text encoder, read from a Hugging Face tokenizer folder
/// (vocab.json, merges.txt, optionally tokenizer_config.json and special_tokens_map.json). Thread-safe.
/// </summary>
/// <remarks>
/// A prompt is cleaned as CLIP's reference tokenizer does with ftfy installed (<see cref="ClipTextCleaner"/>), split
/// with CLIP's pattern (<see cref="ClipPreTokenizer.WordPattern"/>), and each piece's UTF-8 bytes are byte-level BPE
/// encoded by Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/>, with <c>&lt;/w&gt;</c> marking the end of the
/// piece. As in CLIP, the literal text <c>&lt;|startoftext|&gt;</c> or <c>&lt;|endoftext|&gt;</c> in a prompt yields the special
/// token's id. The start token, the cut to <see cref="MaxLength"/> and the padding are added here.
/// </remarks>
public sealed class ClipTokenizer : IPromptTokenizer
{
    public const string DefaultBosToken = "<|startoftext|>";
    public const string DefaultEosToken = "<|endoftext|>";
    public const string DefaultUnkToken = "<|endoftext|>";
    public const int DefaultMaxLength = 77;

    private readonly BpeTokenizer bpe;
    private readonly Dictionary<int, string> tokensById;

    private ClipTokenizer(ClipTokenizerData data)
    {
        tokensById = data.Vocabulary.ToDictionary(p => p.Value, p => p.Key);
        var specialTokens = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in (string[])[ClipPreTokenizer.StartOfText, ClipPreTokenizer.EndOfText])
        {
            if (data.Vocabulary.TryGetValue(token, out var id))
            {
                specialTokens[token] = id;
            }
        }
        bpe = BpeTokenizer.Create(new BpeOptions(data.Vocabulary)
        {
            Merges = data.Merges,
            SpecialTokens = specialTokens,
            PreTokenizer = new RegexPreTokenizer(ClipPreTokenizer.WordPattern(), specialTokens: null),
            EndOfWordSuffix = ClipPreTokenizer.EndOfWord,
            ByteLevel = true,
            UnknownToken = data.UnkToken,
        });
        BosId = data.BosId;
        EosId = data.EosId;
        PadId = data.PadId;
        UnkId = data.UnkId;
        MaxLength = data.MaxLength;
        VocabSize = data.Vocabulary.Count;
    }

    public int BosId { get; }

    public int EosId { get; }

    public int PadId { get; }

    /// <summary>Stands for a byte whose symbol the vocabulary lacks (never happens with CLIP's own files).</summary>
    public int UnkId { get; }

    /// <summary>Length of every <see cref="Tokenize(string)"/> result: model_max_length, 77 by default.</summary>
    public int MaxLength { get; }

    /// <summary>Number of entries in vocab.json.</summary>
    public int VocabSize { get; }

    /// <summary>
    /// Reads a tokenizer folder. Throws <see cref="DirectoryNotFoundException"/> or <see cref="FileNotFoundException"/>
    /// for a missing folder, vocab.json or merges.txt, and <see cref="InvalidDataException"/> naming the file for
    /// invalid JSON, a bad merges line, or a special token that is not in the vocabulary.
    /// </summary>
    public static ClipTokenizer Load(string tokenizerFolder) => new(ClipTokenizerFiles.Read(tokenizerFolder));

    /// <summary>The ids of <paramref name="text"/>, without start, end or padding tokens.</summary>
    /// <exception cref="DllNotFoundException">The text needs Unicode composition and the host has no ICU library.</exception>
    public int[] Encode(string text) => [.. EncodeIds(text)];

    /// <summary>
    /// Exactly <see cref="MaxLength"/> ids: <see cref="BosId"/>, the prompt's ids (cut to MaxLength - 2),
    /// <see cref="EosId"/>, then <see cref="PadId"/> up to the end.
    /// </summary>
    /// <exception cref="DllNotFoundException">The prompt needs Unicode composition and the host has no ICU library.</exception>
    public int[] Tokenize(string prompt)
    {
        var ids = new int[MaxLength];
        Tokenize(prompt, ids);
        return ids;
    }

    /// <summary>Writes the <see cref="MaxLength"/> ids of <see cref="Tokenize(string)"/> into <paramref name="destination"/>.</summary>
    public void Tokenize(string prompt, Span<int> destination)
    {
        if (destination.Length != MaxLength)
        {
            throw new ArgumentException($"destination holds {destination.Length} ids, expected {MaxLength}", nameof(destination));
        }
        var ids = EncodeIds(prompt);
        // As CLIP: the whole prompt is encoded, then cut, possibly inside a word.
        var count = Math.Min(ids.Count, MaxLength - 2);
        destination[0] = BosId;
        for (var i = 0; i < count; i++)
        {
            destination[i + 1] = ids[i];
        }
        destination[count + 1] = EosId;
        destination[(count + 2)..].Fill(PadId);
    }

    /// <summary><see cref="Tokenize(string)"/> for each prompt, in order.</summary>
    public int[][] TokenizeBatch(IEnumerable<string> prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        return prompts.Select(Tokenize).ToArray();
    }

    /// <summary>
    /// Text of a sequence of ids, for debugging: the symbols' bytes decoded as UTF-8 (invalid sequences become
    /// U+FFFD), each end-of-word mark a space, the ends trimmed. Special tokens (start, end, pad, unknown) are left
    /// out unless <paramref name="skipSpecialTokens"/> is false.
    /// </summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(ids);
        // The package decodes bytes but drops the end-of-word marks, so each word (up to a token with the mark) is
        // decoded on its own and the spaces are put back here.
        var text = new StringBuilder();
        var word = new List<int>();
        foreach (var id in ids)
        {
            if (!tokensById.TryGetValue(id, out var token))
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, "token id is not in the vocabulary");
            }
            if (skipSpecialTokens && (id == BosId || id == EosId || id == PadId || id == UnkId))
            {
                continue;
            }
            word.Add(id);
            if (token.EndsWith(ClipPreTokenizer.EndOfWord, StringComparison.Ordinal))
            {
                text.Append(bpe.Decode(word, considerSpecialTokens: true)).Append(' ');
                word.Clear();
            }
        }
        text.Append(bpe.Decode(word, considerSpecialTokens: true));
        return text.ToString().Trim(' ');
    }

    private IReadOnlyList<int> EncodeIds(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cleaned = ClipTextCleaner.Clean(text);
        return bpe.EncodeToIds(cleaned, considerPreTokenization: true, considerNormalization: false);
    }
}
