using Dice.Core.Tokenization;

namespace Dice.Data.Tokenization;

/// <summary>
/// Learns a byte-level BPE vocabulary in CLIP's format from a caption corpus, for the runtime's CLIP tokenizer.
/// </summary>
/// <remarks>
/// <para>Captions are pre-tokenised exactly as the runtime does it (<see cref="ClipPreTokenizer"/>) and counted
/// into a word-frequency table; literal special tokens in a caption are skipped. Starting from the 512-symbol base
/// alphabet (the 256 byte symbols and the same with <c>&lt;/w&gt;</c>), each step merges the adjacent pair that
/// occurs most often across the table (occurrences weighted by word counts). Ties go to the pair whose left symbol,
/// then right symbol, comes first in ordinal string order. Counts are updated incrementally: a step only revisits
/// the words that hold the chosen pair.</para>
/// <para>A pair whose merged string is already a vocabulary entry (possible in principle when the same characters
/// were segmented differently in different words) is never merged, so every merge adds exactly one new token,
/// merges.txt has exactly <c>Vocabulary.Count - 514</c> lines and no pair repeats; the runtime then reproduces the
/// learner's segmentation of every corpus word exactly.</para>
/// <para>Learning stops when the vocabulary (specials included) reaches the requested size, or earlier when no pair
/// occurs at least <c>minPairFrequency</c> times — for a small corpus that means every word is already one token, so
/// the vocabulary can come out smaller than requested (<see cref="LearnedBpe.Vocabulary"/> says how large).</para>
/// <para>Vocabulary order is CLIP's: byte symbols (ids 0..255), the same with <c>&lt;/w&gt;</c> (256..511), merge
/// results in merge order, then <c>&lt;|startoftext|&gt;</c> and <c>&lt;|endoftext|&gt;</c>. The result depends only
/// on the multiset of captions and the settings, never on timing or hashing.</para>
/// </remarks>
public static class BpeTrainer
{
    /// <summary>The byte symbols and the same with <c>&lt;/w&gt;</c>.</summary>
    public const int BaseAlphabetSize = 2 * ByteAlphabet.Count;

    /// <summary><c>&lt;|startoftext|&gt;</c> and <c>&lt;|endoftext|&gt;</c>.</summary>
    public const int SpecialTokenCount = 2;

    /// <summary>The smallest vocabulary: base alphabet and special tokens, no merges.</summary>
    public const int MinimumVocabSize = BaseAlphabetSize + SpecialTokenCount;

    /// <summary>The vocabulary size of the dice-mini text encoder.</summary>
    public const int DiceMiniVocabSize = 1000;

    /// <summary>
    /// Learns merges until the vocabulary holds <paramref name="vocabSize"/> tokens (special tokens included) or no
    /// pair occurs at least <paramref name="minPairFrequency"/> times.
    /// </summary>
    /// <param name="captions">The corpus; enumerated once. A null caption is an error.</param>
    /// <param name="vocabSize">Target vocabulary size, at least <see cref="MinimumVocabSize"/> (514).</param>
    /// <param name="minPairFrequency">A pair is merged only if it occurs at least this often (1 = any pair).</param>
    /// <param name="cancellationToken">Checked while counting and between merges.</param>
    public static LearnedBpe Learn(IEnumerable<string> captions, int vocabSize, int minPairFrequency = 1,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(captions);
        if (vocabSize < MinimumVocabSize)
        {
            throw new ArgumentOutOfRangeException(nameof(vocabSize), vocabSize,
                $"vocabulary size {vocabSize} is too small: it must be at least {MinimumVocabSize}, the {BaseAlphabetSize} " +
                $"base symbols (256 bytes, and the same 256 with {ClipPreTokenizer.EndOfWord}) plus the {SpecialTokenCount} special tokens");
        }
        if (minPairFrequency < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(minPairFrequency), minPairFrequency,
                $"minimum pair frequency {minPairFrequency} must be at least 1");
        }
        var table = WordTable.Count(captions, cancellationToken);
        var learner = new MergeLearner(table);
        var merges = learner.Learn(vocabSize - SpecialTokenCount, minPairFrequency, cancellationToken);
        var vocabulary = learner.Symbols.Append(ClipPreTokenizer.StartOfText).Append(ClipPreTokenizer.EndOfText).ToArray();
        return new LearnedBpe(vocabulary, merges, learner.Segmentations(), vocabSize, minPairFrequency, table.Occurrences);
    }
}
