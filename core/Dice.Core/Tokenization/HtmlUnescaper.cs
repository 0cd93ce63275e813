using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Dice.Core.Tokenization;

/// <summary>
/// The two HTML unescapers CLIP's clean-up applies: Python's <c>html.unescape</c> (<see cref="Unescape"/>) and ftfy's
/// stricter <c>unescape_html</c> (<see cref="UnescapeAsFtfy"/>), both over the HTML standard's named character
/// references (HtmlEntities.txt).
/// </summary>
internal static partial class HtmlUnescaper
{
    private const string EntitiesResource = "Dice.Core.Tokenization.HtmlEntities.txt";

    /// <summary>
    /// Python's <c>html.unescape</c>: named references with or without their semicolon (the legacy names, such as
    /// "&amp;amp" or "&amp;copy", also as the longest prefix of a longer run: "&amp;copy2024" is "©2024"), and decimal or
    /// hexadecimal character references with or without it. References to 0x80–0x9F are read as Windows-1252, to 0 as
    /// U+FFFD, to surrogates or past U+10FFFF as U+FFFD; references to other control characters and to noncharacters
    /// are dropped.
    /// </summary>
    public static string Unescape(string text) =>
        text.Contains('&', StringComparison.Ordinal) ? PythonReference().Replace(text, static match => ReplacePythonReference(match.Groups[1].Value)) : text;

    /// <summary>
    /// ftfy's <c>unescape_html</c>: only references that end with a semicolon and are at most 24 letters or digits
    /// long. Named ones are the standard's, plus the upper-cased form of each all-lower-case name whose upper-cased form
    /// <see cref="Unescape"/> leaves alone ("&amp;EACUTE;" is "É"); numeric ones as <see cref="Unescape"/> reads them,
    /// unless that leaves a semicolon.
    /// </summary>
    public static string UnescapeAsFtfy(string text) =>
        text.Contains('&', StringComparison.Ordinal) ? FtfyReference().Replace(text, static match => ReplaceFtfyReference(match.Value)) : text;

    private static string ReplacePythonReference(string reference)
    {
        if (reference[0] == '#')
        {
            return CharacterReference(reference);
        }
        if (Entities.ByName.TryGetValue(reference, out var value))
        {
            return value;
        }
        for (var length = reference.Length - 1; length > 1; length--)
        {
            if (Entities.ByName.TryGetValue(reference[..length], out value))
            {
                return value + reference[length..];
            }
        }
        return "&" + reference;
    }

    private static string ReplaceFtfyReference(string reference)
    {
        if (Entities.ForFtfy.TryGetValue(reference, out var value))
        {
            return value;
        }
        if (reference.StartsWith("&#", StringComparison.Ordinal))
        {
            var unescaped = Unescape(reference);
            return unescaped.Contains(';', StringComparison.Ordinal) ? reference : unescaped;
        }
        return reference;
    }

    /// <summary>"#233", "#xE9;", …: the character Python's html.unescape gives for a numeric reference.</summary>
    private static string CharacterReference(string reference)
    {
        var hex = reference[1] is 'x' or 'X';
        var digits = reference.AsSpan(hex ? 2 : 1).TrimEnd(';');
        var style = hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None;
        var codePoint = ulong.TryParse(digits, style, CultureInfo.InvariantCulture, out var value) ? value : ulong.MaxValue;
        if (codePoint == 0)
        {
            return "\uFFFD";
        }
        if (codePoint == '\r')
        {
            return "\r";
        }
        if (codePoint is >= 0x80 and <= 0x9F)
        {
            return Windows1252.C1ToWindows1252((char)codePoint).ToString();
        }
        if (codePoint is >= 0xD800 and <= 0xDFFF or > 0x10FFFF)
        {
            return "\uFFFD";
        }
        if (IsDroppedCodePoint((int)codePoint))
        {
            return "";
        }
        return char.ConvertFromUtf32((int)codePoint);
    }

    /// <summary>Control characters other than whitespace, and the noncharacters: html.unescape drops references to them.</summary>
    private static bool IsDroppedCodePoint(int codePoint) =>
        codePoint is >= 0x01 and <= 0x08 or 0x0B or >= 0x0E and <= 0x1F or 0x7F
            or >= 0xFDD0 and <= 0xFDEF
        || (codePoint & 0xFFFE) == 0xFFFE;

    private static string PythonUpper(string text)
    {
        // str.upper's full case mappings (Unicode SpecialCasing) for the characters that entity values hold.
        var builder = new StringBuilder(text.Length + 2);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                'ß' => "SS",
                'ı' => "I", // .NET's invariant casing keeps the dotless i
                'ŉ' => "\u02BCN",
                'ﬀ' => "FF",
                'ﬁ' => "FI",
                'ﬂ' => "FL",
                'ﬃ' => "FFI",
                'ﬄ' => "FFL",
                _ => null,
            } ?? c.ToString());
        }
        return builder.ToString().ToUpperInvariant();
    }

    [GeneratedRegex(@"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)", RegexOptions.CultureInvariant)]
    private static partial Regex PythonReference();

    [GeneratedRegex("&#?[0-9A-Za-z]{1,24};", RegexOptions.CultureInvariant)]
    private static partial Regex FtfyReference();

    /// <summary>The tables, read on first use (only text with an ampersand needs them).</summary>
    private static class Entities
    {
        /// <summary>"amp;" and "amp" → "&amp;", …, as Python's html.entities.html5.</summary>
        public static readonly Dictionary<string, string> ByName = Read();

        /// <summary>"&amp;amp;" → "&amp;", "&amp;EACUTE;" → "É", …: the references ftfy decodes by name.</summary>
        public static readonly Dictionary<string, string> ForFtfy = BuildFtfyTable();

        private static Dictionary<string, string> Read()
        {
            using var stream = typeof(HtmlUnescaper).Assembly.GetManifestResourceStream(EntitiesResource)
                ?? throw new InvalidOperationException($"resource {EntitiesResource} is missing from {typeof(HtmlUnescaper).Assembly.FullName}");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var entities = new Dictionary<string, string>(2300, StringComparer.Ordinal);
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }
                var fields = line.Split(' ');
                entities.Add(fields[0], string.Concat(fields.Skip(1).Select(hex => char.ConvertFromUtf32(int.Parse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)))));
            }
            return entities;
        }

        private static Dictionary<string, string> BuildFtfyTable()
        {
            var table = new Dictionary<string, string>(4000, StringComparer.Ordinal);
            foreach (var (name, value) in ByName)
            {
                if (!name.EndsWith(';'))
                {
                    continue;
                }
                table["&" + name] = value;
                var upper = "&" + name.ToUpperInvariant();
                if (name == name.ToLowerInvariant() && Unescape(upper) == upper)
                {
                    table[upper] = PythonUpper(value);
                }
            }
            return table;
        }
    }
}
