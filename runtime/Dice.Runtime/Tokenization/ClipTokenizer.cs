using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Dice.Runtime.Tokenization;

/// <summary>
/// The CLIP BPE tokenizer of Stable Diffusion's text encoder, read from a Hugging Face tokenizer folder
/// (vocab.json, merges.txt, optionally tokenizer_config.json and special_tokens_map.json). Thread-safe.
/// </summary>
/// <remarks>
/// A prompt is cleaned (<see cref="ClipTextCleaner"/>: quotes straightened, HTML-unescaped, whitespace collapsed,
/// lower-cased), split with CLIP's pattern (the two special tokens as wholes, the contractions 's 't 're 've 'm 'll
/// 'd, letter runs, single digits, runs of other non-space characters), and each piece's UTF-8 bytes are
/// byte-level BPE encoded with <c>&lt;/w&gt;</c> marking the end of the piece. As in CLIP, the literal text
/// <c>&lt;|startoftext|&gt;</c> or <c>&lt;|endoftext|&gt;</c> in a prompt yields the special token's id.
/// </remarks>
public sealed partial class ClipTokenizer : IPromptTokenizer
{
    public const string DefaultBosToken = "<|startoftext|>";
    public const string DefaultEosToken = "<|endoftext|>";
    public const string DefaultUnkToken = "<|endoftext|>";
    public const int DefaultMaxLength = 77;

    private const string StartOfText = "<|startoftext|>";
    private const string EndOfText = "<|endoftext|>";

    private readonly BytePairEncoder encoder;
    private readonly Dictionary<int, string> tokensById;
    private readonly int? startOfTextId;
    private readonly int? endOfTextId;

    private ClipTokenizer(ClipTokenizerData data)
    {
        encoder = new BytePairEncoder(data.Vocabulary, data.Merges, data.UnkId);
        tokensById = data.Vocabulary.ToDictionary(p => p.Value, p => p.Key);
        startOfTextId = data.Vocabulary.TryGetValue(StartOfText, out var id) ? id : null;
        endOfTextId = data.Vocabulary.TryGetValue(EndOfText, out id) ? id : null;
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

    internal BytePairEncoder Encoder => encoder;

    /// <summary>
    /// Reads a tokenizer folder. Throws <see cref="DirectoryNotFoundException"/> or <see cref="FileNotFoundException"/>
    /// for a missing folder, vocab.json or merges.txt, and <see cref="InvalidDataException"/> naming the file for
    /// invalid JSON, a bad merges line, or a special token that is not in the vocabulary.
    /// </summary>
    public static ClipTokenizer Load(string tokenizerFolder) => new(ClipTokenizerFiles.Read(tokenizerFolder));

    /// <summary>The ids of <paramref name="text"/>, without start, end or padding tokens.</summary>
    public int[] Encode(string text) => EncodeIds(text, int.MaxValue).ToArray();

    /// <summary>
    /// Exactly <see cref="MaxLength"/> ids: <see cref="BosId"/>, the prompt's ids (cut to MaxLength - 2),
    /// <see cref="EosId"/>, then <see cref="PadId"/> up to the end.
    /// </summary>
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
        var room = MaxLength - 2;
        var ids = EncodeIds(prompt, room);
        var count = Math.Min(ids.Count, room);
        destination[0] = BosId;
        CollectionsMarshal.AsSpan(ids)[..count].CopyTo(destination[1..]);
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
        var bytes = new List<byte>();
        Span<byte> utf8 = stackalloc byte[4];
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
            var endOfWord = token.EndsWith(BytePairEncoder.EndOfWord, StringComparison.Ordinal);
            var symbols = endOfWord ? token[..^BytePairEncoder.EndOfWord.Length] : token;
            foreach (var c in symbols)
            {
                if (ByteLevelAlphabet.TryGetByte(c, out var b))
                {
                    bytes.Add(b);
                }
                else
                {
                    // Not a byte-level symbol (a hand-made vocabulary entry): keep the character itself.
                    var length = new Rune(char.IsSurrogate(c) ? '\uFFFD' : c).EncodeToUtf8(utf8);
                    bytes.AddRange(utf8[..length]);
                }
            }
            if (endOfWord)
            {
                bytes.Add((byte)' ');
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray()).Trim(' ');
    }

    /// <summary>The prompt's ids; stops after the piece that makes the count reach <paramref name="limit"/>.</summary>
    private List<int> EncodeIds(string text, int limit)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cleaned = ClipTextCleaner.Clean(text);
        var ids = new List<int>(Math.Min(limit, 4 + (cleaned.Length / 2)));
        foreach (var match in Pieces().EnumerateMatches(cleaned))
        {
            if (ids.Count >= limit)
            {
                break;
            }
            var piece = cleaned.AsSpan(match.Index, match.Length);
            if (startOfTextId is { } start && piece.SequenceEqual(StartOfText))
            {
                ids.Add(start);
            }
            else if (endOfTextId is { } end && piece.SequenceEqual(EndOfText))
            {
                ids.Add(end);
            }
            else
            {
                encoder.Encode(piece, ids);
            }
        }
        return ids;
    }

    /// <summary>CLIP's pre-tokenisation pattern (applied to lower-cased text, so case-sensitive here).</summary>
    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+", RegexOptions.CultureInvariant)]
    internal static partial Regex Pieces();
}
