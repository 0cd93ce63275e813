using Dice.Data.Tokenization;

namespace Dice.Data.Tests.Tokenization;

/// <summary>
/// The learner's pre-tokenisation. The same cases as the runtime cleaner's own tests; that the runtime splits text the
/// same way is checked end to end in <see cref="LearnedTokenizerRuntimeTests"/>.
/// </summary>
public sealed class ClipPreTokenizerTests
{
    [Theory]
    [InlineData("  A  Photo\tof\n\na CAT  ", "a photo of a cat")]
    [InlineData("\u3000wide\u2003spaces\u00A0here\u2029", "wide spaces here")]
    [InlineData("\u039F\u0394\u03A5\u03A3\u03A3\u0395\u03A5\u03A3.", "\u03BF\u03B4\u03C5\u03C3\u03C3\u03B5\u03C5\u03C2.")]
    [InlineData("\u03A3 \u0391\u03A3", "\u03C3 \u03B1\u03C2")]
    [InlineData("\u0130STANBUL", "i\u0307stanbul")]
    [InlineData("don\u2019t \u2018x\u2019 \u201Cy\u201D \u02BCz", "don't 'x' \"y\" 'z")]
    [InlineData("&quot;q&quot; &apos;s&#39; a&nbsp;&nbsp;b", "\"q\" 's' a b")]
    [InlineData("&#233;t&#xE9; &#X1F431;", "\u00E9t\u00E9 \uD83D\uDC31")]
    // Without a "<" in the text ftfy unescapes until nothing changes; with one, only html.unescape's two levels apply.
    [InlineData("&amp;amp;lt; &amp;lt;", "< <")]
    [InlineData("<b> &amp;amp;lt;", "<b> &lt;")]
    [InlineData("&#0; &#xD800; &#x110000;", "\uFFFD \uFFFD \uFFFD")]
    // html.unescape: "&amp" without its semicolon is "&"; "&#12" is a form feed (whitespace) before "a;"; past U+10FFFF is U+FFFD.
    [InlineData("at&t &copy; &amp &#; &#x; &#12a; &#99999999999999999; &;", "at&t \u00A9 & &#; &#x; a; \uFFFD &;")]
    // ftfy: NFC, full-width forms, ligatures, control characters.
    [InlineData("cafe\u0301 \uFF21\uFF22 \uFB01sh c\u0000at", "caf\u00E9 ab fish cat")]
    public void Cleans_as_the_runtime_does(string text, string expected)
    {
        Assert.Equal(expected, ClipPreTokenizer.Clean(text));
    }

    [Fact]
    public void Splits_words_with_clips_pattern()
    {
        Assert.Equal(
            ["blue", "background", ",", "small", "green", "triangle", "above", "a", "yellow", "square", "!!", "2", "4"],
            ClipPreTokenizer.Words("Blue background, small GREEN triangle above a yellow square!! 24"));
        Assert.Equal(["she", "'s", "here", "don", "'t"], ClipPreTokenizer.Words("she's here don't"));
        Assert.Equal(["<|startoftext|>", "a", "<|endoftext|>"], ClipPreTokenizer.Words("<|startoftext|>a<|endoftext|>"));
        Assert.True(ClipPreTokenizer.IsSpecialToken("<|endoftext|>"));
        Assert.False(ClipPreTokenizer.IsSpecialToken("endoftext"));
    }

    [Fact]
    public void A_word_becomes_its_byte_symbols_with_end_of_word_on_the_last()
    {
        Assert.Equal(["c", "a", "t</w>"], ClipPreTokenizer.ByteSymbols("cat"));
        Assert.Equal([",</w>"], ClipPreTokenizer.ByteSymbols(","));
        // é = C3 A9; the byte 0x20 (space) would be "Ġ", and 0xF0 0x9F 0x90 0xB1 is 🐱.
        Assert.Equal(["\u00C3", "\u00A9</w>"], ClipPreTokenizer.ByteSymbols("\u00E9"));
        Assert.Equal(["\u00F0", "\u0141", "\u0132", "\u00B1</w>"], ClipPreTokenizer.ByteSymbols("\uD83D\uDC31"));
        Assert.Empty(ClipPreTokenizer.ByteSymbols(""));
    }
}
