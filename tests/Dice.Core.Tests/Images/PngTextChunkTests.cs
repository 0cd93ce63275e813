using Dice.Core.Images;

namespace Dice.Core.Tests.Images;

public sealed class PngTextChunkTests
{
    [Theory]
    [InlineData("Title")]
    [InlineData("Creation Time")]
    [InlineData("a")]
    [InlineData("Größe")] // printable Latin-1
    [InlineData("~!@#$%^&*()_+")]
    public void Accepts_valid_keywords(string keyword)
    {
        Assert.Null(PngTextChunk.KeywordProblem(keyword));
        Assert.Equal(keyword, new PngTextChunk(keyword, "value").Keyword);
    }

    [Fact]
    public void Accepts_a_keyword_of_79_characters_but_not_80()
    {
        Assert.Null(PngTextChunk.KeywordProblem(new string('k', 79)));
        Assert.Throws<ArgumentException>(() => new PngTextChunk(new string('k', 80), "value"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" Title")]
    [InlineData("Title ")]
    [InlineData("Two  spaces")]
    [InlineData("Tab\there")]
    [InlineData("Nul\0here")]
    [InlineData("New\nline")]
    [InlineData("Delete\u007F")]
    [InlineData("No\u00A0break")] // non-breaking space is not printable
    [InlineData("Euro€")]
    [InlineData("Emoji😀")]
    public void Rejects_invalid_keywords(string keyword)
    {
        Assert.NotNull(PngTextChunk.KeywordProblem(keyword));
        var error = Assert.Throws<ArgumentException>(() => new PngTextChunk(keyword, "value"));
        Assert.Equal("keyword", error.ParamName);
    }

    [Fact]
    public void Rejects_a_null_keyword_or_text()
    {
        Assert.Throws<ArgumentException>(() => new PngTextChunk(null!, "value"));
        Assert.Throws<ArgumentException>(() => new PngTextChunk("Title", null!));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("line one\nline two")]
    [InlineData("café ÿ")]
    public void Accepts_latin1_text(string text)
    {
        Assert.Equal(text, new PngTextChunk("Comment", text).Text);
    }

    [Theory]
    [InlineData("nul\0inside")]
    [InlineData("euro €")]
    [InlineData("日本")]
    public void Rejects_text_outside_latin1_or_with_nul(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => new PngTextChunk("Comment", text));
        Assert.Equal("text", error.ParamName);
    }

    [Fact]
    public void Serialises_keyword_nul_text_in_latin1()
    {
        Assert.Equal(new byte[] { (byte)'K', 0, (byte)'v', 0xE9 }, new PngTextChunk("K", "vé").ToChunkData());
        Assert.Equal(new byte[] { (byte)'K', 0 }, new PngTextChunk("K", "").ToChunkData());
    }

    [Fact]
    public void Compares_by_value()
    {
        Assert.Equal(new PngTextChunk("A", "b"), new PngTextChunk("A", "b"));
        Assert.NotEqual(new PngTextChunk("A", "b"), new PngTextChunk("A", "c"));
    }
}
