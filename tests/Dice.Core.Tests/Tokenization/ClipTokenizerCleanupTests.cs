namespace Dice.Core.Tests.Tokenization;

/// <summary>
/// Prompts that CLIP's clean-up (ftfy, html.unescape) changes, tokenised with the real CLIP ViT-L/14 files. Each
/// expected id is read from vocab.json for the token the cleaned text must give; the cleaned text follows from the
/// rule named beside it.
/// </summary>
public sealed class ClipTokenizerCleanupTests
{
    private static int[] Encode(string text) => ClipFiles.Tokenizer.Encode(text);

    private static int Id(string token) => ClipFiles.Id(token);

    [Theory]
    [InlineData("café")]
    [InlineData("cafe\u0301")]
    [InlineData("CAFE\u0301")]
    public void Composed_and_decomposed_accents_give_the_same_ids(string text)
    {
        // NFC makes e + U+0301 the single U+00E9, UTF-8 C3 A9, whose byte symbols are "Ã©": the word is "cafÃ©</w>".
        Assert.Equal([Id("cafÃ©</w>")], Encode(text));
    }

    [Fact]
    public void Full_width_text_gives_the_ids_of_its_ascii_form()
    {
        int[] expected = [Id("an</w>"), Id("astronaut</w>"), Id(",</w>"), Id("4</w>"), Id("k</w>")];

        Assert.Equal(expected, Encode("ＡＮ\u3000ＡＳＴＲＯＮＡＵＴ，４ｋ"));
        Assert.Equal(expected, Encode("an astronaut,4k"));
    }

    [Fact]
    public void Ligatures_are_split_into_their_letters()
    {
        Assert.Equal([Id("fish</w>"), Id("flower</w>"), Id("coffee</w>"), Id("office</w>")], Encode("ﬁsh ﬂower coﬀee oﬃce"));
    }

    [Theory]
    [InlineData("c\u0000a\u0007t")]
    [InlineData("\uFEFFcat\u007F")]
    [InlineData("\u001B[1;31mcat\u001B[0m")]
    public void Control_characters_and_terminal_escapes_are_removed(string text)
    {
        Assert.Equal([Id("cat</w>")], Encode(text));
    }

    [Fact]
    public void A_c1_control_is_read_as_windows_1252()
    {
        // U+0092 is Windows-1252's ’, straightened to ', so "it's" splits as a contraction; U+0085 is … (E2 80 A6, "âĢ¦").
        Assert.Equal([Id("it</w>"), Id("'s</w>"), Id("âĢ¦</w>")], Encode("it\u0092s\u0085"));
    }

    [Theory]
    [InlineData("rock &amp; roll")]
    [InlineData("rock &amp;amp; roll")]
    [InlineData("rock &amp;amp;amp; roll")]
    [InlineData("rock &#38; roll")]
    [InlineData("rock &AMP roll")]
    public void Html_references_are_unescaped_at_every_level(string text)
    {
        Assert.Equal([Id("rock</w>"), Id("&</w>"), Id("roll</w>")], Encode(text));
    }

    [Fact]
    public void Html_references_become_the_characters_they_name()
    {
        // "<" and "3" are separate pieces (other characters, then a digit); &#128; is Windows-1252's €, E2 82 AC, "âĤ¬".
        Assert.Equal([Id("<</w>"), Id("3</w>"), Id("âĤ¬</w>")], Encode("&lt;3 &#128;"));
    }

    [Theory]
    [InlineData("don\u2019t")]
    [InlineData("don&rsquo;t")]
    [InlineData("don\u02BCt")]
    public void Curly_quotes_are_straightened(string text)
    {
        Assert.Equal([Id("don</w>"), Id("'t</w>")], Encode(text));
    }

    [Fact]
    public void An_unpaired_surrogate_is_the_replacement_character()
    {
        // ftfy's fix_surrogates makes it U+FFFD, UTF-8 EF BF BD, whose byte symbols are "ï¿½".
        Assert.Equal([Id("ï¿½</w>")], Encode("\uD800"));
    }
}
