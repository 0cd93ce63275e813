using Dice.Data.Tokenization;
using Dice.Core.Tokenization;

namespace Dice.Data.Tests.Tokenization;

/// <summary>
/// Reference BPE for the tests: recounts every pair from scratch at every step (slow, obviously right), with the
/// trainer's documented rules: most frequent pair first, ties by ordinal (left, right), no merge whose result already
/// is a token.
/// </summary>
internal static class NaiveBpe
{
    /// <summary>Pair counts of words given as symbol lists with their counts.</summary>
    public static Dictionary<(string Left, string Right), long> CountPairs(IEnumerable<(List<string> Symbols, long Count)> words)
    {
        var pairs = new Dictionary<(string, string), long>();
        foreach (var (symbols, count) in words)
        {
            for (var i = 0; i + 1 < symbols.Count; i++)
            {
                pairs[(symbols[i], symbols[i + 1])] = pairs.GetValueOrDefault((symbols[i], symbols[i + 1])) + count;
            }
        }
        return pairs;
    }

    /// <summary>The pair the trainer must pick among <paramref name="pairs"/>.</summary>
    public static ((string Left, string Right) Pair, long Count) Best(Dictionary<(string Left, string Right), long> pairs) =>
        pairs.Select(p => (p.Key, p.Value))
            .OrderByDescending(p => p.Value)
            .ThenBy(p => p.Key.Left, StringComparer.Ordinal)
            .ThenBy(p => p.Key.Right, StringComparer.Ordinal)
            .First();

    /// <summary>Learns <paramref name="mergeCount"/> merges (fewer if pairs run out) from the corpus.</summary>
    public static List<BpeMerge> Learn(IEnumerable<string> captions, int mergeCount)
    {
        var words = captions.SelectMany(ClipPreTokenizer.Words)
            .Where(w => !ClipPreTokenizer.IsSpecialToken(w))
            .GroupBy(w => w, StringComparer.Ordinal)
            .Select(g => (Symbols: ClipPreTokenizer.ByteSymbols(g.Key).ToList(), Count: (long)g.Count()))
            .ToList();
        var tokens = new HashSet<string>(words.SelectMany(w => w.Symbols), StringComparer.Ordinal);
        var merges = new List<BpeMerge>();
        while (merges.Count < mergeCount)
        {
            var pairs = CountPairs(words);
            foreach (var pair in pairs.Keys.Where(p => tokens.Contains(p.Left + p.Right)).ToList())
            {
                pairs.Remove(pair);
            }
            if (pairs.Count == 0)
            {
                break;
            }
            var ((left, right), count) = Best(pairs);
            merges.Add(new BpeMerge(left, right, count));
            tokens.Add(left + right);
            foreach (var (symbols, _) in words)
            {
                for (var i = 0; i + 1 < symbols.Count; i++)
                {
                    if (symbols[i] == left && symbols[i + 1] == right)
                    {
                        symbols[i] = left + right;
                        symbols.RemoveAt(i + 1);
                    }
                }
            }
        }
        return merges;
    }
}
