using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Dice.Runtime.Tokenization;

/// <summary>
/// CLIP's prompt clean-up, in CLIP's order: the ftfy step (only its quote straightening, see below), HTML-unescape
/// applied twice, whitespace runs collapsed to one space and the ends trimmed, then lower-casing.
/// </summary>
/// <remarks>
/// What is and is not reproduced of the reference (Python: <c>ftfy.fix_text</c>, <c>html.unescape</c> twice,
/// <c>re.sub(r"\s+", " ")</c>, <c>str.lower</c>):
/// <list type="bullet">
/// <item>Curly quotes are straightened as ftfy does: U+02BC and U+2018–U+201B become <c>'</c>, U+201C–U+201F
/// become <c>"</c> (so "don’t" splits like "don't"). ftfy's other repairs (mojibake, ligatures, full-width forms,
/// NFC) are not done: the build runs with invariant globalization, where .NET cannot normalise strings.</item>
/// <item>HTML entities, applied twice so that <c>&amp;amp;lt;</c> becomes <c>&lt;</c>: the named entities
/// <c>&amp;amp; &amp;lt; &amp;gt; &amp;quot; &amp;apos; &amp;nbsp;</c> and decimal / hexadecimal character
/// references (<c>&amp;#39; &amp;#x27;</c>), each with its closing semicolon. A reference to U+0000, a surrogate or
/// a value past U+10FFFF becomes U+FFFD. Other named entities, and the semicolon-less forms Python also accepts,
/// are left as they are.</item>
/// <item>Whitespace is .NET's <c>\s</c>, the same Unicode White_Space set as the reference regex.</item>
/// <item>Lower-casing is <see cref="string.ToLowerInvariant()"/> plus the two rules by which Python's
/// <c>str.lower</c> differs from it: U+0130 becomes "i" + U+0307, and a capital sigma at the end of a word becomes
/// final sigma (ς), with "cased" and "case-ignorable" approximated from the general category.</item>
/// </list>
/// </remarks>
public static partial class ClipTextCleaner
{
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cleaned = StraightenQuotes(text);
        cleaned = HtmlUnescape(HtmlUnescape(cleaned));
        cleaned = Whitespace().Replace(cleaned, " ").Trim(' ');
        return ToLower(cleaned);
    }

    private static string ToLower(string text)
    {
        var lower = text.ToLowerInvariant();
        if (text.AsSpan().IndexOfAny('\u0130', '\u03A3') < 0)
        {
            return lower;
        }
        // ToLowerInvariant maps each UTF-16 unit to one unit, so lower[i] belongs to text[i].
        var builder = new StringBuilder(text.Length + 4);
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\u0130':
                    builder.Append("i\u0307");
                    break;
                case '\u03A3':
                    builder.Append(IsFinalSigma(text, i) ? '\u03C2' : '\u03C3');
                    break;
                default:
                    builder.Append(lower[i]);
                    break;
            }
        }
        return builder.ToString();
    }

    /// <summary>Unicode's Final_Sigma condition: a cased letter before (skipping case-ignorables), none after.</summary>
    private static bool IsFinalSigma(string text, int index)
    {
        var before = index - 1;
        while (before >= 0 && IsCaseIgnorable(text[before]))
        {
            before--;
        }
        if (before < 0 || !IsCased(text[before]))
        {
            return false;
        }
        var after = index + 1;
        while (after < text.Length && IsCaseIgnorable(text[after]))
        {
            after++;
        }
        return after == text.Length || !IsCased(text[after]);
    }

    private static bool IsCased(char c) => char.GetUnicodeCategory(c)
        is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;

    private static bool IsCaseIgnorable(char c) =>
        c is '\'' or '.' or ':' or '\u00B7' or '\u2018' or '\u2019' or '\u2024' or '\u2027'
        || char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();

    private static string StraightenQuotes(string text)
    {
        if (text.AsSpan().IndexOfAnyInRange('\u2018', '\u201F') < 0 && !text.Contains('\u02BC', StringComparison.Ordinal))
        {
            return text;
        }
        return string.Create(text.Length, text, static (destination, source) =>
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
    }

    /// <summary>Replaces the entities listed in the class remarks; everything else is copied unchanged.</summary>
    internal static string HtmlUnescape(string text)
    {
        var amp = text.IndexOf('&', StringComparison.Ordinal);
        if (amp < 0)
        {
            return text;
        }
        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, amp);
        var i = amp;
        while (i < text.Length)
        {
            if (text[i] == '&' && TryReadEntity(text.AsSpan(i), out var replacement, out var length))
            {
                builder.Append(replacement);
                i += length;
            }
            else
            {
                builder.Append(text[i]);
                i++;
            }
        }
        return builder.ToString();
    }

    private static bool TryReadEntity(ReadOnlySpan<char> text, out string replacement, out int length)
    {
        replacement = string.Empty;
        // Longest entity read: "&#x" + a bounded number of digits + ";".
        var semicolon = text[..Math.Min(text.Length, 16)].IndexOf(';');
        if (semicolon < 2)
        {
            length = 0;
            return false;
        }
        length = semicolon + 1;
        var body = text[1..semicolon];
        if (body[0] == '#')
        {
            return TryReadCharacterReference(body[1..], out replacement);
        }
        string? named = body switch
        {
            "amp" => "&",
            "lt" => "<",
            "gt" => ">",
            "quot" => "\"",
            "apos" => "'",
            "nbsp" => "\u00A0",
            _ => null,
        };
        replacement = named ?? string.Empty;
        return named is not null;
    }

    private static bool TryReadCharacterReference(ReadOnlySpan<char> digits, out string replacement)
    {
        replacement = string.Empty;
        var hex = digits.Length > 0 && digits[0] is 'x' or 'X';
        if (hex)
        {
            digits = digits[1..];
        }
        if (digits.IsEmpty || digits.Length > 12)
        {
            return false;
        }
        var style = hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None;
        if (!long.TryParse(digits, style, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }
        replacement = value is 0 or (>= 0xD800 and <= 0xDFFF) or > 0x10FFFF
            ? "\uFFFD"
            : char.ConvertFromUtf32((int)value);
        return true;
    }
}
