using Dice.Data.Tokenization;
using Dice.Core.Tokenization;

namespace Dice.Data.Tests.Tokenization;

/// <summary>What <see cref="BpeTrainer.Learn"/> learns, checked against independent counts.</summary>
public sealed class BpeTrainerTests
{
    private static LearnedBpe Learned => CaptionCorpus.Learned;

    [Fact]
    public void Vocabulary_is_bytes_then_bytes_with_end_of_word_then_merges_then_the_two_special_tokens()
    {
        var vocabulary = Learned.Vocabulary;
        var count = vocabulary.Count;

        // CLIP's order: the byte symbols by code point ("!" first, then the 68 remapped bytes from U+0100 up to "Ń").
        Assert.Equal("!", vocabulary[0]);
        Assert.Equal("\"", vocabulary[1]);
        Assert.Equal("~", vocabulary[93]);
        Assert.Equal("¡", vocabulary[94]);
        Assert.Equal("ÿ", vocabulary[187]);
        Assert.Equal("\u0100", vocabulary[188]);
        Assert.Equal("\u0143", vocabulary[255]);
        for (var id = 0; id < 256; id++)
        {
            Assert.Equal(vocabulary[id] + "</w>", vocabulary[256 + id]);
        }
        Assert.Equal(count - 2 - 512, Learned.Merges.Count);
        for (var rank = 0; rank < Learned.Merges.Count; rank++)
        {
            Assert.Equal(Learned.Merges[rank].Result, vocabulary[512 + rank]);
        }
        Assert.Equal("<|startoftext|>", vocabulary[count - 2]);
        Assert.Equal("<|endoftext|>", vocabulary[count - 1]);
        Assert.Equal(count - 2, Learned.StartOfTextId);
        Assert.Equal(count - 1, Learned.EndOfTextId);
        Assert.Equal(count, vocabulary.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(count, Learned.TokenIds.Count);
        Assert.All(Learned.TokenIds, p => Assert.Equal(p.Key, vocabulary[p.Value]));
    }

    [Fact]
    public void The_first_merge_is_the_most_frequent_pair_of_a_count_done_by_hand()
    {
        // Count adjacent byte symbols over the corpus words independently of the trainer.
        var words = CaptionCorpus.Captions
            .SelectMany(c => c.ToLowerInvariant().Split([' ', ',', '.'], StringSplitOptions.RemoveEmptyEntries))
            .GroupBy(w => w, StringComparer.Ordinal)
            .Select(g => (Symbols: g.Key.Select((c, i) => i == g.Key.Length - 1 ? c + "</w>" : c.ToString()).ToList(), Count: (long)g.Count()));
        var (pair, count) = NaiveBpe.Best(NaiveBpe.CountPairs(words));

        Assert.Equal(new BpeMerge(pair.Left, pair.Right, count), Learned.Merges[0]);
    }

    [Fact]
    public void Every_merge_is_the_one_a_full_recount_picks_at_that_step()
    {
        var expected = NaiveBpe.Learn(CaptionCorpus.Captions, int.MaxValue);

        Assert.Equal(expected, Learned.Merges);
    }

    [Fact]
    public void Merge_frequencies_never_increase()
    {
        Assert.NotEmpty(Learned.Merges);
        for (var rank = 1; rank < Learned.Merges.Count; rank++)
        {
            Assert.True(Learned.Merges[rank - 1].Frequency >= Learned.Merges[rank].Frequency,
                $"merge {rank} \"{Learned.Merges[rank]}\" has frequency {Learned.Merges[rank].Frequency}, more than the previous one's {Learned.Merges[rank - 1].Frequency}");
        }
        Assert.All(Learned.Merges, m => Assert.True(m.Frequency >= 1));
    }

    [Fact]
    public void Stops_short_of_the_requested_size_when_every_word_is_one_token()
    {
        // ~45 distinct short words cannot fill 1,000 tokens: learning ends when no pair is left.
        Assert.Equal(1000, Learned.RequestedVocabSize);
        Assert.True(Learned.Vocabulary.Count < 1000, $"vocabulary has {Learned.Vocabulary.Count} tokens");
        foreach (var word in CaptionCorpus.Words())
        {
            Assert.Contains(word + "</w>", Learned.TokenIds.Keys);
        }
        Assert.Contains("circle</w>", Learned.TokenIds.Keys);
        Assert.Equal(CaptionCorpus.Words().Count, Learned.DistinctWords);
        Assert.Equal(CaptionCorpus.Captions.Sum(c => ClipPreTokenizer.Words(c).Count), Learned.WordOccurrences);
    }

    [Theory]
    [InlineData(514)]
    [InlineData(515)]
    [InlineData(560)]
    [InlineData(600)]
    public void Gives_exactly_the_requested_size_while_pairs_last(int vocabSize)
    {
        Assert.True(Learned.Vocabulary.Count > vocabSize, $"the corpus runs out of pairs at {Learned.Vocabulary.Count} tokens");
        var learned = BpeTrainer.Learn(CaptionCorpus.Captions, vocabSize);

        Assert.Equal(vocabSize, learned.Vocabulary.Count);
        Assert.Equal(vocabSize - 514, learned.Merges.Count);
        // A smaller vocabulary is a prefix of a larger one.
        Assert.Equal(Learned.Merges.Take(vocabSize - 514), learned.Merges);
    }

    [Fact]
    public void Ties_go_to_the_pair_that_comes_first_in_ordinal_order_whatever_the_caption_order()
    {
        string[] captions = ["cd cd", "ab", "ab"];
        var forward = BpeTrainer.Learn(captions, 515);
        var backward = BpeTrainer.Learn(Enumerable.Reverse(captions), 515);

        Assert.Equal(new BpeMerge("a", "b</w>", 2), Assert.Single(forward.Merges));
        Assert.Equal(forward.Merges, backward.Merges);
    }

    [Fact]
    public void Words_are_weighted_by_their_counts()
    {
        var learned = BpeTrainer.Learn(["xy", "xy", "xy", "ab ab", "zw"], 516);

        Assert.Equal([new BpeMerge("x", "y</w>", 3), new BpeMerge("a", "b</w>", 2)], learned.Merges);
    }

    [Fact]
    public void A_repeated_symbol_merges_left_to_right_without_overlap()
    {
        var learned = BpeTrainer.Learn(["aaaa", "aaa"], 520);

        // "a a a a</w>" and "a a a</w>": (a, a) occurs 2 + 1 times counting overlaps; a merge takes them left to right,
        // so the words become "aa a a</w>" (not "aa aa</w>") and "aa a</w>", leaving three pairs that occur once.
        Assert.Equal(
            [new BpeMerge("a", "a", 3), new BpeMerge("a", "a</w>", 1), new BpeMerge("aa", "a</w>", 1), new BpeMerge("aa", "aa</w>", 1)],
            learned.Merges);
        Assert.Equal(NaiveBpe.Learn(["aaaa", "aaa"], int.MaxValue), learned.Merges);
        Assert.Equal(["aaaa</w>"], learned.Segment("aaaa"));
        Assert.Equal(["aa", "aaa</w>"], learned.Segment("aaaaa"));
    }

    [Fact]
    public void Min_pair_frequency_stops_at_rarer_pairs()
    {
        var learned = BpeTrainer.Learn(CaptionCorpus.Captions, 1000, minPairFrequency: 50);

        Assert.NotEmpty(learned.Merges);
        Assert.All(learned.Merges, m => Assert.True(m.Frequency >= 50));
        Assert.Equal(Learned.Merges.TakeWhile(m => m.Frequency >= 50), learned.Merges);
        Assert.Equal(50, learned.MinPairFrequency);
    }

    [Fact]
    public void Special_tokens_in_captions_are_not_learned_from()
    {
        var learned = BpeTrainer.Learn(["<|startoftext|>", "<|endoftext|> <|endoftext|>"], 600);

        Assert.Empty(learned.Merges);
        Assert.Equal(514, learned.Vocabulary.Count);
        Assert.Equal(0, learned.WordOccurrences);
    }

    [Fact]
    public void An_empty_corpus_gives_the_base_alphabet_and_special_tokens()
    {
        var learned = BpeTrainer.Learn([], 1000);

        Assert.Equal(BpeTrainer.MinimumVocabSize, learned.Vocabulary.Count);
        Assert.Empty(learned.Merges);
        Assert.Equal(0, learned.DistinctWords);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    [InlineData(512)]
    [InlineData(513)]
    public void A_vocabulary_smaller_than_the_base_alphabet_plus_specials_is_rejected(int vocabSize)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => BpeTrainer.Learn(["a red circle"], vocabSize));

        Assert.Equal("vocabSize", error.ParamName);
        Assert.Contains($"vocabulary size {vocabSize} is too small", error.Message, StringComparison.Ordinal);
        Assert.Contains("at least 514", error.Message, StringComparison.Ordinal);
        Assert.Contains("512 base symbols", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_min_pair_frequency_below_one_is_rejected(int minPairFrequency)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => BpeTrainer.Learn(["a"], 1000, minPairFrequency));

        Assert.Equal("minPairFrequency", error.ParamName);
    }

    [Fact]
    public void A_null_corpus_or_caption_is_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => BpeTrainer.Learn(null!, 1000));
        var error = Assert.Throws<ArgumentException>(() => BpeTrainer.Learn(["a red circle", null!], 1000));
        Assert.Contains("caption 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Learning_can_be_cancelled()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.Throws<OperationCanceledException>(() => BpeTrainer.Learn(CaptionCorpus.Captions, 1000, cancellationToken: cancellation.Token));
    }
}
