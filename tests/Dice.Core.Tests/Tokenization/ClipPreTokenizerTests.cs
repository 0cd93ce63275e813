using System.Text.RegularExpressions;
using Dice.Core.Tokenization;

namespace Dice.Core.Tests.Tokenization;

/// <summary>
/// CLIP's pre-tokenisation, shared by the runtime tokenizer and dice-mini's BPE learner: the pattern's splits on
/// hand-checked strings and the published facts of GPT-2's byte-to-unicode table (bytes_to_unicode in OpenAI's
/// CLIP and GPT-2 sources). The cleaning itself is tested in <see cref="ClipTextCleanerTests"/>.
/// </summary>
public sealed class ClipPreTokenizerTests
{
    [Fact]
    public void The_byte_table_maps_256_bytes_to_256_distinct_characters()
    {
        var characters = Enumerable.Range(0, 256).Select(b => ByteAlphabet.ToChar((byte)b)).ToArray();
        Assert.Equal(256, ByteAlphabet.Count);
        Assert.Equal(256, characters.Distinct().Count());
        Assert.Equal(256, ByteAlphabet.InIdOrder.Count);
    }

    [Fact]
    public void Printable_ascii_keeps_its_code_and_space_and_newline_move_past_0xff()
    {
        for (var b = '!'; b <= '~'; b++)
        {
            Assert.Equal(b, ByteAlphabet.ToChar((byte)b));
        }
        // The bytes that do not keep their code take U+0100 upwards in byte order: 0x00..0x20 are the first 33,
        // so 0x0A is U+010A 'Ċ' and 0x20 is U+0120 'Ġ'.
        Assert.Equal('\u0100', ByteAlphabet.ToChar(0x00));
        Assert.Equal('Ċ', ByteAlphabet.ToChar(0x0A));
        Assert.Equal('Ġ', ByteAlphabet.ToChar(0x20));
        // 0x7F..0xA0 (34 bytes) follow at U+0121..U+0142, and 0xAD (soft hyphen) is the last, U+0143 'Ń'.
        Assert.Equal('\u0121', ByteAlphabet.ToChar(0x7F));
        Assert.Equal('Ń', ByteAlphabet.ToChar(0xAD));
        Assert.Equal('¡', ByteAlphabet.ToChar(0xA1));
    }

    [Fact]
    public void Vocabulary_ids_order_the_symbols_by_code_point()
    {
        // CLIP's vocab.json starts "!": 0, '"': 1 and its 256th entry is "Ń" (id 255).
        Assert.Equal("!", ByteAlphabet.InIdOrder[0]);
        Assert.Equal("\"", ByteAlphabet.InIdOrder[1]);
        Assert.Equal("Ń", ByteAlphabet.InIdOrder[255]);
        Assert.Equal(0, ByteAlphabet.Id((byte)'!'));
        Assert.Equal(255, ByteAlphabet.Id(0xAD));
    }

    [Fact]
    public void Splits_words_with_clips_pattern()
    {
        Assert.Equal(
            ["blue", "background", ",", "small", "green", "triangle", "above", "a", "yellow", "square", "!!", "2", "4"],
            ClipPreTokenizer.Words("Blue background, small GREEN triangle above a yellow square!! 24"));
        Assert.Equal(["it", "'s", "here", "don", "'t", "we", "'ll", "i", "'m"], ClipPreTokenizer.Words("It's here don't we'll I'm"));
        Assert.Equal(["1", "9", "8", "4", "ab", "1", "2", "c"], ClipPreTokenizer.Words("1984 ab12c"));
        Assert.Equal(["<|startoftext|>", "a", "<|endoftext|>"], ClipPreTokenizer.Words("<|startoftext|>a<|endoftext|>"));
        Assert.True(ClipPreTokenizer.IsSpecialToken("<|endoftext|>"));
        Assert.False(ClipPreTokenizer.IsSpecialToken("endoftext"));
    }

    [Fact]
    public void The_pattern_itself_is_case_sensitive_and_leaves_spaces_out()
    {
        // Applied to cleaned (lower-cased) text; on raw text "'S" is not a contraction but a punctuation run and a letter.
        var pieces = ClipPreTokenizer.WordPattern().Matches("IT'S  ok").Select(m => m.Value);
        Assert.Equal(["IT", "'", "S", "ok"], pieces);
    }

    [Fact]
    public void A_word_becomes_its_byte_symbols_with_end_of_word_on_the_last()
    {
        Assert.Equal(["c", "a", "t</w>"], ClipPreTokenizer.ByteSymbols("cat"));
        Assert.Equal([",</w>"], ClipPreTokenizer.ByteSymbols(","));
        // é = C3 A9; 🐱 = F0 9F 90 B1, where 0x9F and 0x90 do not keep their code (U+0141, U+0132).
        Assert.Equal(["\u00C3", "\u00A9</w>"], ClipPreTokenizer.ByteSymbols("\u00E9"));
        Assert.Equal(["\u00F0", "\u0141", "\u0132", "\u00B1</w>"], ClipPreTokenizer.ByteSymbols("\uD83D\uDC31"));
        Assert.Empty(ClipPreTokenizer.ByteSymbols(""));
    }
}
