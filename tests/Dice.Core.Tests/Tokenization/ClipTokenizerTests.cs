using System.Diagnostics;
using Dice.Core.Tokenization;

namespace Dice.Core.Tests.Tokenization;

/// <summary>Tokenising with the real CLIP ViT-L/14 files.</summary>
public sealed class ClipTokenizerTests
{
    private const int Bos = 49406;
    private const int Eos = 49407;

    private static ClipTokenizer Tokenizer => ClipFiles.Tokenizer;

    [Fact]
    public void Reads_the_clip_vit_l14_vocabulary_and_special_tokens()
    {
        Assert.Equal(49408, Tokenizer.VocabSize);
        Assert.Equal(ClipFiles.Id("<|startoftext|>"), Tokenizer.BosId);
        Assert.Equal(ClipFiles.Id("<|endoftext|>"), Tokenizer.EosId);
        Assert.Equal(Bos, Tokenizer.BosId);
        Assert.Equal(Eos, Tokenizer.EosId);
        Assert.Equal(Eos, Tokenizer.PadId);
        Assert.Equal(Eos, Tokenizer.UnkId);
        Assert.Equal(77, Tokenizer.MaxLength);
    }

    [Fact]
    public void A_photo_of_a_cat_gives_the_published_ids_padded_to_77()
    {
        var ids = Tokenizer.Tokenize("a photo of a cat");

        Assert.Equal(77, ids.Length);
        Assert.Equal([Bos, 320, 1125, 539, 320, 2368, Eos], ids[..7]);
        Assert.All(ids[7..], id => Assert.Equal(Eos, id));
    }

    [Fact]
    public void Encode_gives_the_words_ids_without_special_tokens()
    {
        Assert.Equal(
            [ClipFiles.Id("a</w>"), ClipFiles.Id("photo</w>"), ClipFiles.Id("of</w>"), ClipFiles.Id("a</w>"), ClipFiles.Id("cat</w>")],
            Tokenizer.Encode("a photo of a cat"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \t\n ")]
    public void An_empty_prompt_is_start_then_end_then_padding(string prompt)
    {
        var ids = Tokenizer.Tokenize(prompt);

        Assert.Equal(77, ids.Length);
        Assert.Equal(Bos, ids[0]);
        Assert.All(ids[1..], id => Assert.Equal(Eos, id));
        Assert.Empty(Tokenizer.Encode(prompt));
    }

    [Fact]
    public void A_long_prompt_is_cut_to_77_keeping_the_end_token_last()
    {
        var words = new[] { "red", "fox", "runs", "through", "snowy", "forest", "at", "dawn" };
        var prompt = string.Join(' ', Enumerable.Range(0, 200).Select(i => words[i % words.Length]));
        var encoded = Tokenizer.Encode(prompt);

        var ids = Tokenizer.Tokenize(prompt);

        Assert.Equal(200, encoded.Length);
        Assert.Equal(77, ids.Length);
        Assert.Equal(Bos, ids[0]);
        Assert.Equal(encoded[..75], ids[1..76]);
        Assert.Equal(Eos, ids[76]);
        Assert.DoesNotContain(Eos, ids[..76]);
    }

    [Theory]
    [InlineData("A  Photo\tof a CAT")]
    [InlineData("  a photo of a cat\n")]
    [InlineData("A PHOTO OF A CAT")]
    [InlineData("a\u00A0photo\r\nof   a cat")]
    public void Case_and_whitespace_do_not_matter(string prompt)
    {
        Assert.Equal(Tokenizer.Tokenize("a photo of a cat"), Tokenizer.Tokenize(prompt));
    }

    [Fact]
    public void Digits_are_single_tokens()
    {
        Assert.Equal(
            [ClipFiles.Id("2</w>"), ClipFiles.Id("0</w>"), ClipFiles.Id("2</w>"), ClipFiles.Id("4</w>")],
            Tokenizer.Encode("2024"));
        Assert.Equal("2 0 2 4", Tokenizer.Decode(Tokenizer.Encode("2024")));
    }

    [Fact]
    public void Punctuation_is_split_from_words()
    {
        var ids = Tokenizer.Encode("hello, world!");

        Assert.Equal([ClipFiles.Id("hello</w>"), ClipFiles.Id(",</w>"), ClipFiles.Id("world</w>"), ClipFiles.Id("!</w>")], ids);
        Assert.Equal("hello , world !", Tokenizer.Decode(ids));
    }

    [Fact]
    public void A_run_of_punctuation_is_one_piece()
    {
        Assert.Equal([ClipFiles.Id("hello</w>"), ClipFiles.Id("!!!</w>")], Tokenizer.Encode("hello!!!"));
        Assert.Equal([ClipFiles.Id("...</w>")], Tokenizer.Encode("..."));
    }

    [Theory]
    [InlineData("it's")]
    [InlineData("IT'S")]
    [InlineData("it\u2019s")]
    public void Contractions_are_split_off(string text)
    {
        Assert.Equal([ClipFiles.Id("it</w>"), ClipFiles.Id("'s</w>")], Tokenizer.Encode(text));
    }

    [Fact]
    public void Words_are_split_into_subwords_by_the_merges()
    {
        Assert.False(ClipFiles.Vocabulary.ContainsKey("hellokitty</w>"));
        Assert.Equal([ClipFiles.Id("hello"), ClipFiles.Id("kitty</w>")], Tokenizer.Encode("hellokitty"));
    }

    [Fact]
    public void Bpe_runs_on_the_byte_level_form_of_the_word()
    {
        // é is UTF-8 C3 A9, which the byte table writes as "Ã©"; the vocabulary's "é" is the single byte E9.
        Assert.Equal([ClipFiles.Id("cafÃ©</w>")], Tokenizer.Encode("café"));
        Assert.Equal([ClipFiles.Id("ðŁĲ±</w>")], Tokenizer.Encode("🐱"));
    }

    [Theory]
    [InlineData("café 東京")]
    [InlineData("naïve señor über straße")]
    [InlineData("🐱 cat 😺😺 ✨")]
    [InlineData("москва ελλάδα")]
    public void Non_ascii_text_round_trips_through_decode(string text)
    {
        var ids = Tokenizer.Encode(text);

        Assert.NotEmpty(ids);
        Assert.Equal(text, Tokenizer.Decode(ids));
    }

    [Fact]
    public void Decode_skips_special_tokens_unless_asked_not_to()
    {
        var ids = Tokenizer.Tokenize("a photo of a cat");

        Assert.Equal("a photo of a cat", Tokenizer.Decode(ids));
        Assert.StartsWith("<|startoftext|>a photo of a cat <|endoftext|><|endoftext|>", Tokenizer.Decode(ids, skipSpecialTokens: false), StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_rejects_an_id_outside_the_vocabulary()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.Decode([320, 49408]));
        Assert.Equal(49408, error.ActualValue);
    }

    [Fact]
    public void Special_token_text_in_a_prompt_becomes_the_special_token()
    {
        Assert.Equal([ClipFiles.Id("a</w>"), Eos, ClipFiles.Id("b</w>")], Tokenizer.Encode("a <|endoftext|> b"));
        Assert.Equal([Bos], Tokenizer.Encode("<|STARTOFTEXT|>"));
    }

    [Theory]
    [InlineData("rock &amp; roll", "rock & roll")]
    [InlineData("i &lt;3 u &gt;_&lt;", "i <3 u >_<")]
    [InlineData("&quot;hi&quot; it&#39;s", "\"hi\" it's")]
    [InlineData("tom &amp;amp; jerry", "tom & jerry")]
    public void Html_entities_are_unescaped(string escaped, string plain)
    {
        Assert.Equal(Tokenizer.Encode(plain), Tokenizer.Encode(escaped));
    }

    [Fact]
    public void Batch_tokenising_matches_one_by_one()
    {
        string[] prompts = ["a photo of a cat", "", "an astronaut riding a horse, 4k"];

        var batch = Tokenizer.TokenizeBatch(prompts);

        Assert.Equal(prompts.Length, batch.Length);
        for (var i = 0; i < prompts.Length; i++)
        {
            Assert.Equal(Tokenizer.Tokenize(prompts[i]), batch[i]);
        }
    }

    [Fact]
    public void Tokenize_writes_into_a_span_of_max_length_only()
    {
        var destination = new int[77];
        Tokenizer.Tokenize("a photo of a cat", destination);
        Assert.Equal(Tokenizer.Tokenize("a photo of a cat"), destination);

        Assert.Throws<ArgumentException>(() => Tokenizer.Tokenize("a photo of a cat", new int[76]));
    }

    [Fact]
    public void Is_an_IPromptTokenizer()
    {
        IPromptTokenizer tokenizer = Tokenizer;

        Assert.Equal(77, tokenizer.MaxLength);
        Assert.Equal(Tokenizer.Tokenize("a cat"), tokenizer.Tokenize("a cat"));
    }

    [Fact]
    public void Is_safe_to_use_from_several_threads()
    {
        var tokenizer = ClipTokenizer.Load(ClipFiles.Folder);
        var prompts = Enumerable.Range(0, 400).Select(i => $"prompt {i} with word{i % 37} and thing{i % 11}").ToArray();
        var expected = prompts.Select(p => ClipFiles.Tokenizer.Tokenize(p)).ToArray();

        var actual = new int[prompts.Length][];
        Parallel.For(0, prompts.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => actual[i] = tokenizer.Tokenize(prompts[i]));

        Assert.Equal(expected, actual);
    }
}
