using Dice.Core.Images;

namespace Dice.Core.Tests.Images;

public sealed class BitmapFontTests
{
    private static readonly char[] Printable = Enumerable.Range(32, 95).Select(i => (char)i).ToArray();

    [Fact]
    public void Has_a_distinct_visible_glyph_for_every_printable_ascii_character_but_space()
    {
        var seen = new Dictionary<string, char>();
        foreach (char c in Printable)
        {
            string bitmap = Bitmap(c);
            Assert.Equal(c != ' ', bitmap.Contains('#'));
            Assert.False(seen.TryGetValue(bitmap, out char twin), $"'{c}' looks like '{twin}'");
            seen[bitmap] = c;
        }
    }

    [Fact]
    public void Keeps_capitals_and_digits_above_the_baseline_and_descenders_below()
    {
        foreach (char c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789acemnorsuvwxz")
        {
            Assert.False(InkInRows(c, 7, 8), $"'{c}' reaches below the baseline");
        }
        foreach (char c in "gjpqy")
        {
            Assert.True(InkInRows(c, 7, 8), $"'{c}' has no descender");
        }
        foreach (char c in "acemnorsuvwxz")
        {
            Assert.False(InkInRows(c, 0, 1), $"'{c}' rises above the x-height");
        }
    }

    [Fact]
    public void Draws_an_unknown_character_as_a_question_mark_and_a_tab_as_a_space()
    {
        Assert.Equal(Bitmap('?'), Bitmap('é'));
        Assert.Equal(Bitmap('?'), Bitmap('\u0001'));
        Assert.Equal(Bitmap(' '), Bitmap('\t'));
    }

    [Fact]
    public void Draws_the_glyph_pixels_in_the_given_colour_and_nothing_else()
    {
        var image = new RgbImage(20, 12);
        var ink = new RgbColor(1, 2, 3);

        BitmapFont.DrawText(image, 2, 1, "Ag", ink);

        for (int y = 0; y < 12; y++)
        {
            for (int x = 0; x < 20; x++)
            {
                bool expected = BitmapFont.HasInk('A', x - 2, y - 1) || BitmapFont.HasInk('g', x - 2 - BitmapFont.Advance, y - 1);
                Assert.Equal(expected ? ink : RgbColor.Black, image.GetPixel(x, y));
            }
        }
    }

    [Fact]
    public void Clips_text_at_the_image_edges()
    {
        var image = new RgbImage(4, 4);
        BitmapFont.DrawText(image, -2, -3, "W\nW", RgbColor.White, scale: 3);
        BitmapFont.DrawText(image, 100, 100, "W", RgbColor.White);
        Assert.Contains((byte)255, image.Pixels.ToArray());
    }

    [Fact]
    public void Measures_text()
    {
        Assert.Equal(0, BitmapFont.MeasureWidth(""));
        Assert.Equal(5, BitmapFont.MeasureWidth("x"));
        Assert.Equal(17, BitmapFont.MeasureWidth("abc"));
        Assert.Equal(34, BitmapFont.MeasureWidth("abc", scale: 2));
        Assert.Equal(17, BitmapFont.MeasureWidth("a\nabc\nab"));
        Assert.Equal(30, BitmapFont.MeasureHeight("a\nabc\nab"));
        Assert.Equal(20, BitmapFont.MeasureHeight("a", scale: 2));
    }

    [Fact]
    public void Wraps_between_words_and_cuts_long_words()
    {
        Assert.Equal(["CFG 2.1 s,", "40 UNet", "calls"], BitmapFont.Wrap("CFG 2.1 s, 40 UNet calls", 64));
        Assert.Equal(["abcde", "fghij", "kl"], BitmapFont.Wrap("abcdefghijkl", 29));
        Assert.Equal(["ab", "c d"], BitmapFont.Wrap("ab   c d", 17));
        Assert.Equal(["one", "", "two"], BitmapFont.Wrap("one\n\ntwo", 100));
        Assert.Equal(["a", "b"], BitmapFont.Wrap("ab", 1));
        Assert.Equal(["abc"], BitmapFont.Wrap("abc", 34, scale: 2));
        Assert.Equal(["ab", "c"], BitmapFont.Wrap("abc", 33, scale: 2));
    }

    private static string Bitmap(char c)
    {
        var rows = new List<string>();
        for (int row = 0; row < BitmapFont.GlyphHeight; row++)
        {
            rows.Add(string.Concat(Enumerable.Range(0, BitmapFont.GlyphWidth).Select(column => BitmapFont.HasInk(c, column, row) ? '#' : '.')));
        }
        return string.Join(' ', rows);
    }

    private static bool InkInRows(char c, int firstRow, int lastRow) =>
        Enumerable.Range(firstRow, lastRow - firstRow + 1)
            .Any(row => Enumerable.Range(0, BitmapFont.GlyphWidth).Any(column => BitmapFont.HasInk(c, column, row)));
}
