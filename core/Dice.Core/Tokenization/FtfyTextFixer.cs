using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace Dice.Core.Tokenization;

/// <summary>
/// ftfy's <c>fix_text</c> with its default settings (ftfy 6), the first step of CLIP's clean-up, less mojibake repair.
/// </summary>
/// <remarks>
/// As in ftfy, the text is fixed line by line (a line ends after its "\n"), and each line goes through these fixes, in
/// ftfy's order, round after round until a round changes nothing:
/// <list type="number">
/// <item>HTML references, as ftfy's <c>unescape_html</c> reads them (<see cref="HtmlUnescaper.UnescapeAsFtfy"/>);
/// skipped from the first line that contains "&lt;" to the end of the text ("auto": it may be real HTML).</item>
/// <item>C1 controls U+0080–U+009F as Windows-1252 (U+0085 is "…", U+0092 is "’").</item>
/// <item>Latin ligatures and digraphs split: ﬁ → fi, ﬀ ﬂ ﬃ ﬄ ﬅ ﬆ, Ĳ ĳ, ŉ, Ǳ ǲ ǳ Ǆ ǅ ǆ Ǉ ǈ ǉ Ǌ ǋ ǌ.</item>
/// <item>Full-width and half-width forms (U+FF01–U+FFEF) replaced by their compatibility equivalents (Ａ → A,
/// ｶ → カ), and the ideographic space U+3000 by a space.</item>
/// <item>Curly quotes straightened: U+02BC and U+2018–U+201B become ', U+201C–U+201F become ".</item>
/// <item>Unpaired surrogates replaced by U+FFFD.</item>
/// <item>ANSI terminal escapes (ESC [ digits and semicolons, then a letter) removed.</item>
/// <item>Control characters removed: U+0000–U+0008, U+000B, U+000E–U+001F, U+007F, U+206A–U+206F, U+FEFF,
/// U+FFF9–U+FFFC (tab, line feed, form feed and carriage return stay).</item>
/// <item>Unicode normalization form C (<see cref="IcuNormalizer"/>).</item>
/// </list>
/// Not reproduced: <c>fix_encoding</c> (detecting and repairing mojibake such as "cafÃ©", with its
/// <c>restore_byte_a0</c>, <c>replace_lossy_sequences</c> and <c>decode_inconsistent_utf8</c>), <c>fix_line_breaks</c>
/// (CLIP turns every line break into a space right after, so it cannot change a token), and ftfy's cut of lines
/// longer than 1,000,000 characters.
/// </remarks>
internal static partial class FtfyTextFixer
{
    private static readonly SearchValues<char> ControlCharacters = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015"
        + "\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u007F\u206A\u206B\u206C\u206D\u206E\u206F"
        + "\uFEFF\uFFF9\uFFFA\uFFFB\uFFFC");

    private static readonly Dictionary<char, string> Ligatures = new()
    {
        ['Ĳ'] = "IJ", ['ĳ'] = "ij", ['ŉ'] = "\u02BCn",
        ['Ǳ'] = "DZ", ['ǲ'] = "Dz", ['ǳ'] = "dz", ['Ǆ'] = "DŽ", ['ǅ'] = "Dž", ['ǆ'] = "dž",
        ['Ǉ'] = "LJ", ['ǈ'] = "Lj", ['ǉ'] = "lj", ['Ǌ'] = "NJ", ['ǋ'] = "Nj", ['ǌ'] = "nj",
        ['ﬀ'] = "ff", ['ﬁ'] = "fi", ['ﬂ'] = "fl", ['ﬃ'] = "ffi", ['ﬄ'] = "ffl", ['ﬅ'] = "ſt", ['ﬆ'] = "st",
    };

    private static readonly SearchValues<char> LigatureCharacters = SearchValues.Create([.. Ligatures.Keys]);

    /// <summary>U+FF5F–U+FFEF: the NFKC form of each character that has one (from the Unicode Character Database).</summary>
    private static readonly string?[] HalfAndFullWidthForms = BuildWidthTable(
    [
        (0xFF5F, 2, "\u2985"), (0xFF61, 1, "\u3002"), (0xFF62, 2, "\u300C"), (0xFF64, 1, "\u3001"),
        (0xFF65, 1, "\u30FB"), (0xFF66, 1, "\u30F2"), (0xFF67, 1, "\u30A1"), (0xFF68, 1, "\u30A3"),
        (0xFF69, 1, "\u30A5"), (0xFF6A, 1, "\u30A7"), (0xFF6B, 1, "\u30A9"), (0xFF6C, 1, "\u30E3"),
        (0xFF6D, 1, "\u30E5"), (0xFF6E, 1, "\u30E7"), (0xFF6F, 1, "\u30C3"), (0xFF70, 1, "\u30FC"),
        (0xFF71, 1, "\u30A2"), (0xFF72, 1, "\u30A4"), (0xFF73, 1, "\u30A6"), (0xFF74, 1, "\u30A8"),
        (0xFF75, 2, "\u30AA"), (0xFF77, 1, "\u30AD"), (0xFF78, 1, "\u30AF"), (0xFF79, 1, "\u30B1"),
        (0xFF7A, 1, "\u30B3"), (0xFF7B, 1, "\u30B5"), (0xFF7C, 1, "\u30B7"), (0xFF7D, 1, "\u30B9"),
        (0xFF7E, 1, "\u30BB"), (0xFF7F, 1, "\u30BD"), (0xFF80, 1, "\u30BF"), (0xFF81, 1, "\u30C1"),
        (0xFF82, 1, "\u30C4"), (0xFF83, 1, "\u30C6"), (0xFF84, 1, "\u30C8"), (0xFF85, 6, "\u30CA"),
        (0xFF8B, 1, "\u30D2"), (0xFF8C, 1, "\u30D5"), (0xFF8D, 1, "\u30D8"), (0xFF8E, 1, "\u30DB"),
        (0xFF8F, 5, "\u30DE"), (0xFF94, 1, "\u30E4"), (0xFF95, 1, "\u30E6"), (0xFF96, 6, "\u30E8"),
        (0xFF9C, 1, "\u30EF"), (0xFF9D, 1, "\u30F3"), (0xFF9E, 2, "\u3099"), (0xFFA0, 1, "\u1160"),
        (0xFFA1, 2, "\u1100"), (0xFFA3, 1, "\u11AA"), (0xFFA4, 1, "\u1102"), (0xFFA5, 2, "\u11AC"),
        (0xFFA7, 3, "\u1103"), (0xFFAA, 6, "\u11B0"), (0xFFB0, 1, "\u111A"), (0xFFB1, 3, "\u1106"),
        (0xFFB4, 1, "\u1121"), (0xFFB5, 10, "\u1109"), (0xFFC2, 6, "\u1161"), (0xFFCA, 6, "\u1167"),
        (0xFFD2, 6, "\u116D"), (0xFFDA, 3, "\u1173"), (0xFFE0, 2, "\u00A2"), (0xFFE2, 1, "\u00AC"),
        (0xFFE3, 1, "\u0020\u0304"), (0xFFE4, 1, "\u00A6"), (0xFFE5, 1, "\u00A5"), (0xFFE6, 1, "\u20A9"),
        (0xFFE8, 1, "\u2502"), (0xFFE9, 4, "\u2190"), (0xFFED, 1, "\u25A0"), (0xFFEE, 1, "\u25CB"),
    ]);

    public static string Fix(string text) => Fix(text, IcuNormalizer.Shared);

    /// <param name="normalizer">Does the NFC step.</param>
    internal static string Fix(string text, IcuNormalizer normalizer)
    {
        ArgumentNullException.ThrowIfNull(text);
        var unescapeHtml = true;
        StringBuilder? result = null;
        var start = 0;
        while (start < text.Length)
        {
            var newline = text.IndexOf('\n', start);
            var end = newline < 0 ? text.Length : newline + 1;
            var line = start == 0 && end == text.Length ? text : text[start..end];
            unescapeHtml &= !line.Contains('<', StringComparison.Ordinal);
            var fixedLine = FixLine(line, unescapeHtml, normalizer);
            if (start == 0 && end == text.Length)
            {
                return fixedLine;
            }
            (result ??= new StringBuilder(text.Length)).Append(fixedLine);
            start = end;
        }
        return result?.ToString() ?? text;
    }

    private static string FixLine(string text, bool unescapeHtml, IcuNormalizer normalizer)
    {
        while (true)
        {
            var original = text;
            if (unescapeHtml)
            {
                text = HtmlUnescaper.UnescapeAsFtfy(text);
            }
            text = FixC1Controls(text);
            text = SplitLigatures(text);
            text = FixCharacterWidth(text);
            text = UncurlQuotes(text);
            text = ReplaceUnpairedSurrogates(text);
            text = TerminalEscape().Replace(text, "");
            text = RemoveControlCharacters(text);
            text = normalizer.ToNfc(text);
            if (string.Equals(text, original, StringComparison.Ordinal))
            {
                return text;
            }
        }
    }

    private static string FixC1Controls(string text) =>
        text.AsSpan().IndexOfAnyInRange('\u0080', '\u009F') < 0
            ? text
            : string.Create(text.Length, text, static (destination, source) =>
            {
                for (var i = 0; i < source.Length; i++)
                {
                    destination[i] = Windows1252.IsC1(source[i]) ? Windows1252.C1ToWindows1252(source[i]) : source[i];
                }
            });

    private static string SplitLigatures(string text) =>
        text.AsSpan().IndexOfAny(LigatureCharacters) < 0 ? text : MapCharacters(text, static c => Ligatures.GetValueOrDefault(c));

    private static string FixCharacterWidth(string text) =>
        text.AsSpan().IndexOfAnyInRange('\uFF01', '\uFFEF') < 0 && !text.Contains('\u3000', StringComparison.Ordinal)
            ? text
            : MapCharacters(text, static c => c switch
            {
                '\u3000' => " ",
                >= '\uFF01' and <= '\uFF5E' => ((char)(c - 0xFEE0)).ToString(), // full-width ASCII
                >= '\uFF5F' and <= '\uFFEF' => HalfAndFullWidthForms[c - 0xFF5F],
                _ => null,
            });

    private static string UncurlQuotes(string text) =>
        text.AsSpan().IndexOfAnyInRange('\u2018', '\u201F') < 0 && !text.Contains('\u02BC', StringComparison.Ordinal)
            ? text
            : string.Create(text.Length, text, static (destination, source) =>
            {
                for (var i = 0; i < source.Length; i++)
                {
                    destination[i] = source[i] switch
                    {
                        '\u02BC' or (>= '\u2018' and <= '\u201B') => '\'',
                        >= '\u201C' and <= '\u201F' => '"',
                        var c => c,
                    };
                }
            });

    private static string ReplaceUnpairedSurrogates(string text)
    {
        if (text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            return text;
        }
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]))
            {
                chars[i] = '\uFFFD';
            }
        }
        return new string(chars);
    }

    private static string RemoveControlCharacters(string text)
    {
        var first = text.AsSpan().IndexOfAny(ControlCharacters);
        if (first < 0)
        {
            return text;
        }
        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, first);
        foreach (var c in text.AsSpan(first))
        {
            if (!ControlCharacters.Contains(c))
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    /// <summary>Each character replaced by <paramref name="map"/>'s string, or kept where that is null.</summary>
    private static string MapCharacters(string text, Func<char, string?> map)
    {
        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (map(c) is { } replacement)
            {
                builder.Append(replacement);
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    private static string?[] BuildWidthTable((int First, int Count, string Target)[] runs)
    {
        var table = new string?[0xFFF0 - 0xFF5F];
        foreach (var (first, count, target) in runs)
        {
            for (var i = 0; i < count; i++)
            {
                // A run maps consecutive characters to consecutive single characters.
                table[first + i - 0xFF5F] = count == 1 ? target : ((char)(target[0] + i)).ToString();
            }
        }
        return table;
    }

    /// <summary>ftfy's ANSI_RE; like Python's, \d is any Unicode decimal digit.</summary>
    [GeneratedRegex(@"\x1B\[(?:\d|;)*[a-zA-Z]", RegexOptions.CultureInvariant)]
    private static partial Regex TerminalEscape();
}
