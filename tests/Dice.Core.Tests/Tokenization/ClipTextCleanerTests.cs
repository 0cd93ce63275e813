using Dice.Core.Tokenization;

namespace Dice.Core.Tests.Tokenization;

/// <summary>
/// CLIP's clean-up with ftfy installed: ftfy.fix_text, html.unescape twice, whitespace collapsed, str.lower. Expected
/// texts are ftfy's documented examples (its docstrings), Python's html.unescape, or derived by hand from the rule
/// named in the test.
/// </summary>
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
    [InlineData("don\u2019t \u2018x\u2019 \u201Cy\u201D \u02BCz \u201Bw\u201F", "don't 'x' \"y\" 'z 'w\"")]
    public void Straightens_curly_quotes_as_ftfy_does(string text, string expected)
    {
        Assert.Equal(expected, ClipTextCleaner.Clean(text));
    }

    [Theory]
    // NFC: e + U+0301 COMBINING ACUTE ACCENT is U+00E9; A + U+030A is U+00C5, lower-cased å.
    [InlineData("cafe\u0301", "caf\u00E9")]
    [InlineData("A\u030Angstro\u0308m", "\u00E5ngstr\u00F6m")]
    // Hangul: the jamo U+1100 U+1161 compose to the syllable U+AC00.
    [InlineData("\u1100\u1161", "\uAC00")]
    // A singleton: U+212B ANGSTROM SIGN is canonically U+00C5.
    [InlineData("\u212B", "\u00E5")]
    public void Composes_decomposed_characters_as_nfc_does(string text, string expected)
    {
        Assert.Equal(expected, ClipTextCleaner.Clean(text));
        Assert.Equal(ClipTextCleaner.Clean(expected), ClipTextCleaner.Clean(text));
    }

    [Theory]
    // ftfy's fix_character_width examples: "LOUD NOISES" and "Uターン" ("U-turn"), then lower-cased.
    [InlineData("ＬＯＵＤ　ＮＯＩＳＥＳ", "loud noises")]
    [InlineData("Ｕﾀｰﾝ", "uターン")]
    [InlineData("ＡＮ ＡＳＴＲＯＮＡＵＴ，４ｋ！", "an astronaut,4k!")]
    // Half-width ｶ is カ and ﾞ the combining voiced mark U+3099; NFC composes カ + U+3099 into ガ.
    [InlineData("ｶﾞ", "ガ")]
    public void Replaces_full_and_half_width_forms(string text, string expected)
    {
        Assert.Equal(expected, ClipTextCleaner.Clean(text));
    }

    [Theory]
    // ftfy's fix_latin_ligatures example: "ﬂuﬃeﬆ" is "fluffiest".
    [InlineData("ﬂuﬃeﬆ", "fluffiest")]
    [InlineData("ﬁsh ﬀ ﬄ ĲSSEL ǄEP", "fish ff ffl ijssel džep")]
    // ŉ is ʼn, and ʼ (U+02BC) is straightened to '.
    [InlineData("ŉ", "'n")]
    public void Splits_latin_ligatures(string text, string expected)
    {
        Assert.Equal(expected, ClipTextCleaner.Clean(text));
    }

    [Theory]
    [InlineData("\u0000a\u0001b\u0008c\u000Bd\u000Ee\u001Ff\u007Fg", "abcdefg")]
    [InlineData("\u206Aa\u206Fb\uFEFFc\uFFF9d\uFFFCe", "abcde")]
    // Tab, line feed, form feed and carriage return are kept, and then are whitespace.
    [InlineData("a\tb\nc\fd\re", "a b c d e")]
    // ftfy's remove_terminal_escapes example, then lower-cased.
    [InlineData("\u001B[36;44mI'm blue, da ba dee da ba doo...\u001B[0m", "i'm blue, da ba dee da ba doo...")]
    // Joiners and direction marks are not control characters to ftfy.
    [InlineData("a\u200Db\u200Ec", "a\u200Db\u200Ec")]
    public void Removes_control_characters_and_terminal_escapes(string text, string expected)
    {
        Assert.Equal(expected, ClipTextCleaner.Clean(text));
    }

    [Theory]
    // fix_c1_controls reads U+0080–U+009F as Windows-1252: 0x85 is "…", 0x92 is "’" (then straightened), 0x80 is "€".
    [InlineData("wait\u0085", "wait\u2026")]
    [InlineData("it\u0092s \u0080", "it's \u20AC")]
    public void Reads_c1_controls_as_windows_1252(string text, string expected)
    {
        Assert.Equal(expected, ClipTextCleaner.Clean(text));
    }

    [Fact]
    public void Replaces_unpaired_surrogates_as_ftfy_does()
    {
        // ftfy's fix_surrogates example: a low surrogate before a high one is two U+FFFD; a proper pair is kept.
        Assert.Equal("\uFFFD\uFFFD \uD83D\uDCA9", ClipTextCleaner.Clean("\uDCA9\uD83D \uD83D\uDCA9"));
    }

    [Theory]
    [InlineData("a &amp; b", "a & b")]
    [InlineData("&lt;b&gt;", "<b>")]
    [InlineData("&quot;q&quot; &apos;s&#39;", "\"q\" 's'")]
    [InlineData("a&nbsp;&nbsp;b", "a b")]
    [InlineData("&#233;t&#xE9; &#X1F431;", "été 🐱")]
    [InlineData("&#0; &#xD800; &#x110000;", "\uFFFD \uFFFD \uFFFD")]
    // Named references of HTML 5, not only of HTML 4.
    [InlineData("&hellip; &copy; &checkmark; &rsquo;", "… © ✓ '")]
    // ftfy's unescape_html examples: all-caps names, then lower-cased ("&nTILDE;" is no name and stays, lower-cased).
    [InlineData("P&EACUTE;REZ BUNDESSTRA&SZLIG;E", "pérez bundesstrasse")]
    [InlineData("&ntilde; &Ntilde; &NTILDE; &nTILDE;", "ñ ñ ñ &ntilde;")]
    // html.unescape: legacy names without their semicolon, also as a prefix (the HTML standard's "&notit;" example).
    [InlineData("at &amp t &copy2024 I'm &notit; I tell you", "at & t ©2024 i'm ¬it; i tell you")]
    // html.unescape: numeric references without their semicolon; 0x80–0x9F as Windows-1252; control characters dropped.
    [InlineData("it&#39s &#128; a&#1;b", "it's € ab")]
    public void Unescapes_html_references(string text, string expected)
    {
        Assert.Equal(expected, ClipTextCleaner.Clean(text));
    }

    [Theory]
    [InlineData("&amp;lt;", "<")]
    [InlineData("&amp;amp;lt;", "<")]
    [InlineData("&amp;amp;amp;amp;quot;", "\"")]
    // Full-width ＆ becomes & in one round of ftfy, and the next round unescapes the reference it made.
    [InlineData("＆amp;lt;", "<")]
    public void Unescapes_every_level_when_the_text_has_no_less_than_sign(string text, string expected)
    {
        // ftfy repeats its fixes, unescaping included, until the text stops changing; html.unescape then finds nothing.
        Assert.Equal(expected, ClipTextCleaner.Clean(text));
    }

    [Theory]
    // A "<" makes ftfy leave references alone ("auto": it may be HTML), so only html.unescape's two levels apply.
    [InlineData("<b> &amp;amp;lt;", "<b> &lt;")]
    // ftfy works line by line and stops unescaping at the first line with a "<": earlier lines are unescaped fully.
    [InlineData("a &amp;amp;lt;\n<b>", "a < <b>")]
    [InlineData("<b>\na &amp;amp;lt;", "<b> a &lt;")]
    public void Unescapes_only_two_levels_from_the_first_line_with_a_less_than_sign(string text, string expected)
    {
        Assert.Equal(expected, ClipTextCleaner.Clean(text));
    }

    [Theory]
    [InlineData("at&t")]
    [InlineData("a & b")]
    [InlineData("&#;")]
    [InlineData("&#x;")]
    [InlineData("&;")]
    [InlineData("&nosuchname;")]
    public void Leaves_anything_else_with_an_ampersand_alone(string text)
    {
        Assert.Equal(text, ClipTextCleaner.Clean(text));
    }

    [Fact]
    public void A_numeric_reference_followed_by_letters_is_read_as_html_unescape_reads_it()
    {
        // ftfy keeps "&#12a;" (its decoding would leave a ";"); html.unescape reads "&#12" as U+000C (form feed, which
        // it keeps), and the form feed is whitespace. "&#99999999999999999;" is past U+10FFFF: U+FFFD.
        Assert.Equal("x a; \uFFFD", ClipTextCleaner.Clean("x&#12a; &#99999999999999999;"));
    }
}
