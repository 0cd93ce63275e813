using Dice.Runtime.Tokenization;

namespace Dice.Runtime.Tests.Tokenization;

public sealed class ClipTextCleanerTests
{
    [Theory]
    [InlineData("  A  Photo\tof\n\na CAT  ", "a photo of a cat")]
    [InlineData("\u3000wide\u2003spaces\u00A0here\u2029", "wide spaces here")]
    [InlineData("ÀÉÎ ÅSTRÖM", "àéî åström")]
    [InlineData("", "")]
    [InlineData(" \t ", "")]
    public void Collapses_whitespace_trims_and_lower_cases(string text, string expected)
    {
        Assert.Equal(expected, ClipTextCleaner.Clean(text));
    }

    [Theory]
    [InlineData("ΣΑΣ", "σας")]
    [InlineData("ΟΔΥΣΣΕΥΣ.", "οδυσσευς.")]
    [InlineData("ΑΣ'Β", "ασ'β")]
    [InlineData("Σ ΑΣ", "σ ας")]
    [InlineData("İSTANBUL", "i\u0307stanbul")]
    public void Lower_cases_as_python_does_for_final_sigma_and_dotted_capital_i(string text, string expected)
    {
        Assert.Equal(expected, ClipTextCleaner.Clean(text));
    }

    [Theory]
    [InlineData("don\u2019t \u2018x\u2019 \u201Cy\u201D \u02BCz", "don't 'x' \"y\" 'z")]
    public void Straightens_curly_quotes_as_ftfy_does(string text, string expected)
    {
        Assert.Equal(expected, ClipTextCleaner.Clean(text));
    }

    [Theory]
    [InlineData("a &amp; b", "a & b")]
    [InlineData("&lt;b&gt;", "<b>")]
    [InlineData("&quot;q&quot; &apos;s&#39;", "\"q\" 's'")]
    [InlineData("a&nbsp;&nbsp;b", "a b")]
    [InlineData("&#233;t&#xE9; &#X1F431;", "été 🐱")]
    [InlineData("&amp;lt;", "<")]
    [InlineData("&#0; &#xD800; &#x110000;", "\uFFFD \uFFFD \uFFFD")]
    public void Unescapes_html_twice(string text, string expected)
    {
        Assert.Equal(expected, ClipTextCleaner.Clean(text));
    }

    [Theory]
    [InlineData("at&t")]
    [InlineData("a & b")]
    [InlineData("&copy;")]
    [InlineData("&amp")]
    [InlineData("&#;")]
    [InlineData("&#x;")]
    [InlineData("&#12a;")]
    [InlineData("&#99999999999999999;")]
    [InlineData("&;")]
    public void Leaves_anything_else_with_an_ampersand_alone(string text)
    {
        Assert.Equal(text, ClipTextCleaner.Clean(text));
    }

    [Fact]
    public void Unescapes_only_two_levels()
    {
        Assert.Equal("&lt;", ClipTextCleaner.Clean("&amp;amp;lt;"));
    }
}
