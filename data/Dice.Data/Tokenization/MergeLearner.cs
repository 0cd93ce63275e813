using System.Runtime.InteropServices;
using Dice.Core.Tokenization;

namespace Dice.Data.Tokenization;

/// <summary>
/// The merge loop of <see cref="BpeTrainer"/>: words as arrays of symbol ids, pair counts kept up to date
/// incrementally, and a priority queue of pairs with lazy deletion.
/// </summary>
/// <remarks>
/// Invariant of the queue: every pair with a positive count has an entry whose stored count is at least its current
/// count (entries are added whenever a count grows; a decrease leaves the old, larger entry). A popped entry whose
/// stored count is stale is re-queued with the current count; the first entry popped whose stored count is current is
/// the best pair, because the queue orders by count (descending), then by the pair's strings.
/// </remarks>
internal sealed class MergeLearner
{
    private readonly List<string> symbols;
    private readonly Dictionary<string, int> symbolIds;
    private readonly IReadOnlyList<string> wordTexts;
    private readonly int[][] words;
    private readonly long[] wordCounts;
    private readonly Dictionary<long, long> pairCounts = [];
    private readonly Dictionary<long, HashSet<int>> pairWords = [];
    private readonly HashSet<long> rejected = [];
    private readonly PriorityQueue<long, Entry> queue;
    private readonly Dictionary<long, long> deltas = [];

    public MergeLearner(WordTable table)
    {
        symbols = [.. ByteAlphabet.InIdOrder, .. ByteAlphabet.InIdOrder.Select(s => s + ClipPreTokenizer.EndOfWord)];
        symbolIds = symbols.Select((symbol, id) => (symbol, id)).ToDictionary(p => p.symbol, p => p.id, StringComparer.Ordinal);
        wordTexts = table.Words;
        words = new int[table.Words.Count][];
        wordCounts = [.. table.Counts];
        queue = new PriorityQueue<long, Entry>(new EntryOrder(symbols));
        for (var w = 0; w < words.Length; w++)
        {
            words[w] = ClipPreTokenizer.InitialSymbolIds(table.Words[w]);
            var word = words[w];
            for (var i = 0; i + 1 < word.Length; i++)
            {
                var pair = Key(word[i], word[i + 1]);
                CollectionsMarshal.GetValueRefOrAddDefault(pairCounts, pair, out _) += wordCounts[w];
                WordsWith(pair).Add(w);
            }
        }
        // Enqueued in key order so that the queue's layout does not depend on dictionary iteration order.
        foreach (var pair in pairCounts.Keys.Order())
        {
            queue.Enqueue(pair, new Entry(pairCounts[pair], pair));
        }
    }

    /// <summary>Vocabulary so far, index = id: the base alphabet, then one entry per merge.</summary>
    public IReadOnlyList<string> Symbols => symbols;

    /// <summary>Merges until <see cref="Symbols"/> holds <paramref name="symbolTarget"/> entries or pairs run out.</summary>
    public List<BpeMerge> Learn(int symbolTarget, int minPairFrequency, CancellationToken cancellationToken)
    {
        var merges = new List<BpeMerge>(Math.Max(0, symbolTarget - symbols.Count));
        while (symbols.Count < symbolTarget)
        {
            if ((merges.Count & 63) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            if (!TryTakeBest(out var pair, out var count) || count < minPairFrequency)
            {
                break;
            }
            var (left, right) = Split(pair);
            merges.Add(new BpeMerge(symbols[left], symbols[right], count));
            Merge(pair, left, right);
        }
        return merges;
    }

    /// <summary>Each corpus word with its final segmentation (vocabulary ids).</summary>
    public Dictionary<string, int[]> Segmentations()
    {
        var result = new Dictionary<string, int[]>(words.Length, StringComparer.Ordinal);
        for (var w = 0; w < words.Length; w++)
        {
            result.Add(wordTexts[w], words[w]);
        }
        return result;
    }

    private bool TryTakeBest(out long pair, out long count)
    {
        while (queue.TryDequeue(out pair, out var entry))
        {
            if (!pairCounts.TryGetValue(pair, out count) || rejected.Contains(pair))
            {
                continue;
            }
            if (count != entry.Count)
            {
                // Stale: a smaller count needs a fresh entry; a larger one already has its own.
                if (count < entry.Count)
                {
                    queue.Enqueue(pair, new Entry(count, pair));
                }
                continue;
            }
            var (left, right) = Split(pair);
            if (symbolIds.ContainsKey(symbols[left] + symbols[right]))
            {
                rejected.Add(pair);
                continue;
            }
            return true;
        }
        count = 0;
        return false;
    }

    private void Merge(long pair, int left, int right)
    {
        var merged = symbols.Count;
        var text = symbols[left] + symbols[right];
        symbols.Add(text);
        symbolIds.Add(text, merged);

        // Words listed for the pair may have lost it since (the lists are never pruned); they are skipped.
        var candidates = pairWords[pair];
        pairWords.Remove(pair);
        deltas.Clear();
        foreach (var w in candidates)
        {
            var before = words[w];
            if (!Contains(before, left, right))
            {
                continue;
            }
            var after = Replace(before, left, right, merged);
            var weight = wordCounts[w];
            for (var i = 0; i + 1 < before.Length; i++)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(deltas, Key(before[i], before[i + 1]), out _) -= weight;
            }
            for (var i = 0; i + 1 < after.Length; i++)
            {
                var key = Key(after[i], after[i + 1]);
                CollectionsMarshal.GetValueRefOrAddDefault(deltas, key, out _) += weight;
                if (after[i] == merged || after[i + 1] == merged)
                {
                    WordsWith(key).Add(w);
                }
            }
            words[w] = after;
        }

        foreach (var (key, delta) in deltas)
        {
            if (delta == 0)
            {
                continue;
            }
            ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(pairCounts, key, out _);
            count += delta;
            if (count == 0)
            {
                // Both symbols already exist and merges only make new symbols: the pair cannot come back.
                pairCounts.Remove(key);
                pairWords.Remove(key);
            }
            else if (delta > 0 && !rejected.Contains(key))
            {
                queue.Enqueue(key, new Entry(count, key));
            }
        }
    }

    private HashSet<int> WordsWith(long pair)
    {
        ref var set = ref CollectionsMarshal.GetValueRefOrAddDefault(pairWords, pair, out _);
        return set ??= [];
    }

    private static bool Contains(int[] word, int left, int right)
    {
        for (var i = 0; i + 1 < word.Length; i++)
        {
            if (word[i] == left && word[i + 1] == right)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Every occurrence of (left, right), taken from left to right, replaced by merged.</summary>
    private static int[] Replace(int[] word, int left, int right, int merged)
    {
        var result = new int[word.Length];
        var written = 0;
        for (var read = 0; read < word.Length; read++)
        {
            if (read + 1 < word.Length && word[read] == left && word[read + 1] == right)
            {
                result[written++] = merged;
                read++;
            }
            else
            {
                result[written++] = word[read];
            }
        }
        return result[..written];
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    private static (int Left, int Right) Split(long pair) => ((int)(pair >> 32), (int)(uint)pair);

    /// <summary>A queued pair with the count it had when queued.</summary>
    private readonly record struct Entry(long Count, long Pair);

    /// <summary>Queue order (smallest first): larger count, then left symbol, then right symbol, ordinal.</summary>
    private sealed class EntryOrder(List<string> symbols) : IComparer<Entry>
    {
        public int Compare(Entry x, Entry y)
        {
            if (x.Count != y.Count)
            {
                return y.Count.CompareTo(x.Count);
            }
            if (x.Pair == y.Pair)
            {
                return 0;
            }
            var (xLeft, xRight) = Split(x.Pair);
            var (yLeft, yRight) = Split(y.Pair);
            var order = string.CompareOrdinal(symbols[xLeft], symbols[yLeft]);
            return order != 0 ? order : string.CompareOrdinal(symbols[xRight], symbols[yRight]);
        }
    }
}
