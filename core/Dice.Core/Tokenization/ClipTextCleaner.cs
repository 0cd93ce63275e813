using System.Text.RegularExpressions;

namespace Dice.Core.Tokenization;

/// <summary>
/// CLIP's prompt clean-up as its reference tokenizer does it with ftfy installed, in its order: ftfy's
/// <c>fix_text</c> (<see cref="FtfyTextFixer"/>), Python's <c>html.unescape</c> twice (<see cref="HtmlUnescaper"/>),
/// whitespace runs collapsed to one space and the ends trimmed, then Python's <c>str.lower</c>
/// (<see cref="PythonLowerCase"/>). What of ftfy is not reproduced is listed on <see cref="FtfyTextFixer"/>.
/// </summary>
/// <remarks>
/// Text with a character at or above U+0300 after ftfy's character fixes needs the host's ICU library for the NFC step
/// and throws <see cref="DllNotFoundException"/> without it (<see cref="IcuNormalizer"/>). Whitespace is .NET's \s,
/// which is the reference's set once ftfy has removed U+001C–U+001F.
/// </remarks>
public static partial class ClipTextCleaner
{
    /// <exception cref="DllNotFoundException">The text needs Unicode composition and the host has no ICU library.</exception>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cleaned = FtfyTextFixer.Fix(text);
        cleaned = HtmlUnescaper.Unescape(HtmlUnescaper.Unescape(cleaned));
        cleaned = Whitespace().Replace(cleaned, " ").Trim(' ');
        return PythonLowerCase.ToLower(cleaned);
    }

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();
}
