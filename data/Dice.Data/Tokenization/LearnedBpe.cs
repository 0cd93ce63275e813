using Dice.Core.Tokenization;

namespace Dice.Data.Tokenization;

/// <summary>
/// A vocabulary and merge list learned by <see cref="BpeTrainer"/>; <see cref="BpeTokenizerFiles.Write"/> saves it
/// in the CLIP tokenizer folder format. Immutable and thread-safe.
/// </summary>
public sealed class LearnedBpe
{
    private readonly string[] vocabulary;
    private readonly BpeMerge[] merges;
    private readonly Dictionary<string, int> ids;
    private readonly Dictionary<string, int[]> corpusWords;
    private readonly Dictionary<(int Left, int Right), (int Rank, int Merged)> mergesByPair;

    internal LearnedBpe(string[] vocabulary, List<BpeMerge> merges, Dictionary<string, int[]> corpusWords,
        int requestedVocabSize, int minPairFrequency, long wordOccurrences)
    {
        this.vocabulary = vocabulary;
        this.merges = [.. merges];
        this.corpusWords = corpusWords;
        ids = vocabulary.Select((token, id) => (token, id)).ToDictionary(p => p.token, p => p.id, StringComparer.Ordinal);
        mergesByPair = new Dictionary<(int, int), (int, int)>(merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var merge = merges[rank];
            mergesByPair.Add((ids[merge.Left], ids[merge.Right]), (rank, ids[merge.Result]));
        }
        RequestedVocabSize = requestedVocabSize;
        MinPairFrequency = minPairFrequency;
        WordOccurrences = wordOccurrences;
        StartOfTextId = ids[ClipPreTokenizer.StartOfText];
        EndOfTextId = ids[ClipPreTokenizer.EndOfText];
    }

    /// <summary>Every token, index = id: byte symbols, the same with &lt;/w&gt;, merge results, then the two specials.</summary>
    public IReadOnlyList<string> Vocabulary => vocabulary;

    /// <summary>Token → id.</summary>
    public IReadOnlyDictionary<string, int> TokenIds => ids;

    /// <summary>The merges in rank order (the order of merges.txt); merge i adds the token with id 512 + i.</summary>
    public IReadOnlyList<BpeMerge> Merges => merges;

    /// <summary>The vocabulary size asked for; <see cref="Vocabulary"/> is smaller when the corpus ran out of pairs.</summary>
    public int RequestedVocabSize { get; }

    /// <summary>The minimum pair frequency learning used.</summary>
    public int MinPairFrequency { get; }

    /// <summary>Distinct words in the corpus (after pre-tokenisation).</summary>
    public int DistinctWords => corpusWords.Count;

    /// <summary>Words in the corpus, repeats included.</summary>
    public long WordOccurrences { get; }

    /// <summary>Id of <c>&lt;|startoftext|&gt;</c> (next to last).</summary>
    public int StartOfTextId { get; }

    /// <summary>Id of <c>&lt;|endoftext|&gt;</c> (last).</summary>
    public int EndOfTextId { get; }

    /// <summary>
    /// The ids of <paramref name="text"/> without start, end or padding tokens, as the runtime's
    /// <c>ClipTokenizer.Encode</c> gives them for the written files: a corpus word gets the segmentation learning
    /// ended with; any other word is encoded by applying the merges by rank (falling back to byte symbols).
    /// </summary>
    public int[] Encode(string text)
    {
        var cleaned = ClipTextCleaner.Clean(text);
        var result = new List<int>();
        var lookup = corpusWords.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var match in ClipPreTokenizer.WordPattern().EnumerateMatches(cleaned))
        {
            var word = cleaned.AsSpan(match.Index, match.Length);
            if (word.SequenceEqual(ClipPreTokenizer.StartOfText))
            {
                result.Add(StartOfTextId);
            }
            else if (word.SequenceEqual(ClipPreTokenizer.EndOfText))
            {
                result.Add(EndOfTextId);
            }
            else if (lookup.TryGetValue(word, out var known))
            {
                result.AddRange(known);
            }
            else
            {
                result.AddRange(ApplyMerges(ClipPreTokenizer.InitialSymbolIds(word)));
            }
        }
        return [.. result];
    }

    /// <summary>The tokens of <paramref name="text"/>: <see cref="Encode"/> as strings ("circles" → "circle", "s&lt;/w&gt;").</summary>
    public IReadOnlyList<string> Segment(string text) => Encode(text).Select(id => vocabulary[id]).ToArray();

    /// <summary>Repeatedly merges the lowest-ranked adjacent pair present, all its occurrences left to right.</summary>
    private int[] ApplyMerges(int[] symbols)
    {
        var count = symbols.Length;
        while (count > 1)
        {
            var best = (Rank: int.MaxValue, Left: 0, Right: 0, Merged: -1);
            for (var i = 0; i + 1 < count; i++)
            {
                if (mergesByPair.TryGetValue((symbols[i], symbols[i + 1]), out var merge) && merge.Rank < best.Rank)
                {
                    best = (merge.Rank, symbols[i], symbols[i + 1], merge.Merged);
                }
            }
            if (best.Merged < 0)
            {
                break;
            }
            var written = 0;
            for (var read = 0; read < count; read++)
            {
                if (read + 1 < count && symbols[read] == best.Left && symbols[read + 1] == best.Right)
                {
                    symbols[written++] = best.Merged;
                    read++;
                }
                else
                {
                    symbols[written++] = symbols[read];
                }
            }
            count = written;
        }
        return symbols[..count];
    }
}
