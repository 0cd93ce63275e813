using Dice.Core.Tokenization;

namespace Dice.Data.Tokenization;

/// <summary>The distinct pre-tokenised words of a corpus, in order of first appearance, with their counts.</summary>
internal sealed class WordTable
{
    private readonly List<string> words = [];
    private readonly List<long> counts = [];

    private WordTable()
    {
    }

    public IReadOnlyList<string> Words => words;

    public IReadOnlyList<long> Counts => counts;

    /// <summary>Words counted, repeats included.</summary>
    public long Occurrences { get; private set; }

    public static WordTable Count(IEnumerable<string> captions, CancellationToken cancellationToken)
    {
        var table = new WordTable();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = index.GetAlternateLookup<ReadOnlySpan<char>>();
        var captionNumber = 0;
        foreach (var caption in captions)
        {
            if (caption is null)
            {
                throw new ArgumentException($"caption {captionNumber} of the corpus is null", nameof(captions));
            }
            if ((captionNumber & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            captionNumber++;
            var cleaned = Dice.Core.Tokenization.ClipTextCleaner.Clean(caption);
            foreach (var match in ClipPreTokenizer.WordPattern().EnumerateMatches(cleaned))
            {
                var word = cleaned.AsSpan(match.Index, match.Length);
                if (ClipPreTokenizer.IsSpecialToken(word))
                {
                    continue;
                }
                table.Occurrences++;
                if (lookup.TryGetValue(word, out var position))
                {
                    table.counts[position]++;
                }
                else
                {
                    var text = word.ToString();
                    index.Add(text, table.words.Count);
                    table.words.Add(text);
                    table.counts.Add(1);
                }
            }
        }
        return table;
    }
}
