using Dice.Data.Tokenization;
using Dice.Core.Tokenization;

namespace Dice.Data.Tests.Tokenization;

/// <summary>The written folder in the runtime's <see cref="ClipTokenizer"/>.</summary>
public sealed class LearnedTokenizerRuntimeTests : IDisposable
{
    /// <summary>Texts the corpus never had: odd cleaning cases, other scripts, emoji, digits, special tokens.</summary>
    private static readonly string[] UnusualTextList =
    [
        "a hexagon",
        "Zebra-striped OCTAGON!!! 42 times",
        "don\u2019t \u201Cquote\u201D me \u02BCok",
        "a &amp;amp;lt; b &#233;t&#xE9; &#0; &copy; at&t &amp",
        "\u039F\u0394\u03A5\u03A3\u03A3\u0395\u03A5\u03A3. \u03A3 \u0391\u03A3'\u0392 \u0130STANBUL",
        "\u3000wide\u2003spaces\u00A0and\ttabs\n",
        "caf\u00E9 na\u00EFve \u00FCber \u65E5\u672C\u8A9E \uD83D\uDC31\uD83C\uDFB2 \uD835\uDC00",
        "lone \uD800 surrogate \uDC00 here",
        "she's here, they're gone, we'll see, i'd go, you've won, i'm in, can't",
        "<|startoftext|>a red circle<|endoftext|> after",
        "circlecircle squares triangles, circles.",
        "",
    ];

    public static TheoryData<string> UnusualTexts => new(UnusualTextList);

    private readonly TempDirectory directory = new();
    private readonly ClipTokenizer tokenizer;

    public LearnedTokenizerRuntimeTests()
    {
        tokenizer = ClipTokenizer.Load(BpeTokenizerFiles.Write(directory.File("tokenizer"), Learned));
    }

    private static LearnedBpe Learned => CaptionCorpus.Learned;

    public void Dispose() => directory.Dispose();

    [Fact]
    public void The_runtime_reads_the_vocabulary_and_special_tokens()
    {
        Assert.Equal(Learned.Vocabulary.Count, tokenizer.VocabSize);
        Assert.Equal(Learned.StartOfTextId, tokenizer.BosId);
        Assert.Equal(Learned.EndOfTextId, tokenizer.EosId);
        Assert.Equal(Learned.EndOfTextId, tokenizer.PadId);
        Assert.Equal(Learned.EndOfTextId, tokenizer.UnkId);
        Assert.Equal(77, tokenizer.MaxLength);
    }

    [Fact]
    public void Every_corpus_word_is_one_token()
    {
        foreach (var word in CaptionCorpus.Words())
        {
            var ids = tokenizer.Encode(word);

            Assert.Equal([Learned.TokenIds[word + "</w>"]], ids);
        }
        Assert.Equal([Learned.TokenIds["circle</w>"]], tokenizer.Encode("circle"));
    }

    [Fact]
    public void The_runtime_segments_every_corpus_caption_as_the_learner_did()
    {
        foreach (var caption in CaptionCorpus.Captions)
        {
            Assert.Equal(Learned.Encode(caption), tokenizer.Encode(caption));
        }
    }

    [Theory]
    [MemberData(nameof(UnusualTexts))]
    public void The_runtime_segments_unusual_text_as_the_learner_does(string text)
    {
        var ids = tokenizer.Encode(text);

        Assert.Equal(Learned.Encode(text), ids);
        if (!text.Contains("endoftext", StringComparison.Ordinal))
        {
            Assert.DoesNotContain(tokenizer.UnkId, ids);
        }
    }

    [Fact]
    public void The_runtime_segments_text_as_the_learner_does_with_a_partly_learned_vocabulary()
    {
        // With only 40 merges most corpus words stay split, which exercises the merge order rather than whole words.
        var learned = BpeTrainer.Learn(CaptionCorpus.Captions, 514 + 40);
        using var folder = new TempDirectory();
        var partial = ClipTokenizer.Load(BpeTokenizerFiles.Write(folder.File("t"), learned));

        foreach (var text in CaptionCorpus.Captions.Concat(UnusualTextList))
        {
            Assert.Equal(learned.Encode(text), partial.Encode(text));
            Assert.Equal(learned.Segment(text), partial.Encode(text).Select(id => learned.Vocabulary[id]));
        }
    }

    [Fact]
    public void Tokenize_gives_start_the_words_end_then_padding_to_77()
    {
        var caption = CaptionCorpus.Captions[0];
        var words = ClipPreTokenizer.Words(caption);

        var ids = tokenizer.Tokenize(caption);

        Assert.Equal(77, ids.Length);
        Assert.Equal(tokenizer.BosId, ids[0]);
        Assert.Equal(words.Select(w => Learned.TokenIds[w + "</w>"]), ids[1..(words.Count + 1)]);
        Assert.Equal(tokenizer.EosId, ids[words.Count + 1]);
        Assert.All(ids[(words.Count + 2)..], id => Assert.Equal(tokenizer.PadId, id));
    }

    [Fact]
    public void Decoding_the_encoding_gives_back_the_cleaned_caption()
    {
        foreach (var caption in CaptionCorpus.Captions)
        {
            var decoded = tokenizer.Decode(tokenizer.Encode(caption));

            // CLIP's decode ends every word with a space, so punctuation comes back detached: "background, small" →
            // "background , small". Without punctuation the round trip is exact.
            Assert.Equal(string.Join(' ', ClipPreTokenizer.Words(caption)), decoded);
            if (!caption.AsSpan().ContainsAny(",."))
            {
                Assert.Equal(ClipTextCleaner.Clean(caption), decoded);
            }
        }
    }

    [Theory]
    [InlineData("a purple hexagon", "a purple hexagon")]
    [InlineData("Zebra OCTAGON", "zebra octagon")]
    [InlineData("caf\u00E9 \u65E5\u672C \uD83D\uDC31", "caf\u00E9 \u65E5\u672C \uD83D\uDC31")]
    public void Unseen_words_fall_back_to_byte_symbols_and_still_round_trip(string text, string expected)
    {
        var ids = tokenizer.Encode(text);

        Assert.Equal(expected, tokenizer.Decode(ids));
        Assert.DoesNotContain(tokenizer.UnkId, ids);
        Assert.True(ids.Length > ClipPreTokenizer.Words(text).Count, "an unseen word takes more than one token");
    }

    [Fact]
    public void A_word_with_no_merges_at_all_is_its_byte_symbols()
    {
        var ids = tokenizer.Encode("\u00E9");

        // é is the UTF-8 bytes C3 A9, whose symbols are "Ã" and "©"; the last carries </w>.
        Assert.Equal([Learned.TokenIds["\u00C3"], Learned.TokenIds["\u00A9</w>"]], ids);
    }

    [Fact]
    public void A_custom_model_max_length_reaches_the_runtime()
    {
        using var folder = new TempDirectory();
        var path = BpeTokenizerFiles.Write(folder.File("t"), Learned, new BpeTokenizerFileOptions { ModelMaxLength = 16 });

        var shortTokenizer = ClipTokenizer.Load(path);

        Assert.Equal(16, shortTokenizer.MaxLength);
        Assert.Equal(16, shortTokenizer.Tokenize(CaptionCorpus.Captions[1]).Length);
    }

    [Fact]
    public void A_custom_pad_token_reaches_the_runtime()
    {
        using var folder = new TempDirectory();
        var path = BpeTokenizerFiles.Write(folder.File("t"), Learned, new BpeTokenizerFileOptions { PadToken = "!" });

        var padded = ClipTokenizer.Load(path);

        Assert.Equal(0, padded.PadId);
        Assert.Equal(0, padded.Tokenize("a red circle")[^1]);
    }
}
