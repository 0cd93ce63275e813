using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;

namespace Dice.Runtime.Tokenization;

/// <summary>
/// Byte-level BPE over vocabulary ids. A word's UTF-8 bytes become the ids of their byte symbols (the last one
/// with <c>&lt;/w&gt;</c>); then, round after round, the adjacent pair with the lowest merge rank is replaced,
/// everywhere it occurs from left to right, by the id of the merged symbol, until no adjacent pair has a merge.
/// Results are cached per word. Thread-safe.
/// </summary>
internal sealed class BytePairEncoder
{
    public const string EndOfWord = "</w>";

    /// <summary>By default the cache is emptied when it passes this many words, which bounds its memory.</summary>
    public const int DefaultCacheCapacity = 100_000;

    private const int NoSymbol = -1;

    private readonly Dictionary<long, (int Rank, int Merged)> merges;
    private readonly int[] byteSymbols = new int[256];
    private readonly int[] finalByteSymbols = new int[256];
    private readonly int unknownId;
    private readonly int cacheCapacity;
    private readonly ConcurrentDictionary<string, int[]> cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> cacheBySpan;
    private int cachedWords;

    /// <param name="vocabulary">Symbol → id.</param>
    /// <param name="merges">Pairs of ids in rank order (rank = index); each with the id of the merged symbol.</param>
    /// <param name="unknownId">Emitted for a byte whose symbol is not in the vocabulary.</param>
    /// <param name="cacheCapacity">Most words cached; the cache is emptied when it passes this.</param>
    public BytePairEncoder(IReadOnlyDictionary<string, int> vocabulary, IReadOnlyList<(int Left, int Right, int Merged)> merges, int unknownId,
        int cacheCapacity = DefaultCacheCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cacheCapacity);
        this.unknownId = unknownId;
        this.cacheCapacity = cacheCapacity;
        this.merges = new Dictionary<long, (int, int)>(merges.Count, PairComparer.Instance);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right, merged) = merges[rank];
            // A repeated pair keeps its last rank, as the reference implementations' dictionaries do.
            this.merges[Key(left, right)] = (rank, merged);
        }
        for (var b = 0; b < 256; b++)
        {
            var symbol = ByteLevelAlphabet.ToChar((byte)b).ToString();
            byteSymbols[b] = vocabulary.TryGetValue(symbol, out var id) ? id : NoSymbol;
            finalByteSymbols[b] = vocabulary.TryGetValue(symbol + EndOfWord, out id) ? id : NoSymbol;
        }
        cacheBySpan = cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    internal int CachedWords => cache.Count;

    /// <summary>Appends the ids of one pre-tokenised word (no whitespace inside) to <paramref name="output"/>.</summary>
    public void Encode(ReadOnlySpan<char> word, List<int> output)
    {
        if (word.IsEmpty)
        {
            return;
        }
        if (!cacheBySpan.TryGetValue(word, out var ids))
        {
            ids = EncodeUncached(word);
            if (cacheBySpan.TryAdd(word, ids) && Interlocked.Increment(ref cachedWords) > cacheCapacity)
            {
                // Rare and racy by design: other threads may add a few words meanwhile; the bound stays approximate.
                cache.Clear();
                Interlocked.Exchange(ref cachedWords, 0);
            }
        }
        output.AddRange(ids);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int[] EncodeUncached(ReadOnlySpan<char> word)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(word)];
        Encoding.UTF8.GetBytes(word, bytes);
        var symbols = new int[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            symbols[i] = i == bytes.Length - 1 ? finalByteSymbols[bytes[i]] : byteSymbols[bytes[i]];
        }
        var count = symbols.Length;
        while (count > 1)
        {
            var bestRank = int.MaxValue;
            long bestPair = 0;
            var bestMerged = NoSymbol;
            for (var i = 0; i + 1 < count; i++)
            {
                if (merges.TryGetValue(Key(symbols[i], symbols[i + 1]), out var merge) && merge.Rank < bestRank)
                {
                    bestRank = merge.Rank;
                    bestPair = Key(symbols[i], symbols[i + 1]);
                    bestMerged = merge.Merged;
                }
            }
            if (bestMerged == NoSymbol)
            {
                break;
            }
            var written = 0;
            for (var read = 0; read < count; read++)
            {
                if (read + 1 < count && Key(symbols[read], symbols[read + 1]) == bestPair)
                {
                    symbols[written++] = bestMerged;
                    read++;
                }
                else
                {
                    symbols[written++] = symbols[read];
                }
            }
            count = written;
        }
        var result = symbols[..count];
        for (var i = 0; i < result.Length; i++)
        {
            if (result[i] == NoSymbol)
            {
                result[i] = unknownId;
            }
        }
        return result;
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    /// <summary>
    /// long's own hash is high ^ low word, which makes pairs of small ids collide in heaps; Fibonacci hashing
    /// spreads them.
    /// </summary>
    private sealed class PairComparer : IEqualityComparer<long>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals(long x, long y) => x == y;

        public int GetHashCode(long obj) => (int)(((ulong)obj * 0x9E3779B97F4A7C15UL) >> 32);
    }
}
