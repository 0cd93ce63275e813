namespace Dice.Core.Tokenization;

/// <summary>
/// The C1 control characters U+0080–U+009F read as the Windows-1252 bytes they usually were, as ftfy's
/// <c>fix_c1_controls</c> and Python's <c>html.unescape</c> (for "&amp;#128;" … "&amp;#159;") both do.
/// </summary>
internal static class Windows1252
{
    // Windows-1252's characters for 0x80–0x9F; its five unassigned bytes (81, 8D, 8F, 90, 9D) stay as they are.
    private const string C1Characters =
        "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F"
        + "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    public static bool IsC1(char c) => c is >= '\u0080' and <= '\u009F';

    /// <summary>The Windows-1252 character of a C1 control character.</summary>
    public static char C1ToWindows1252(char c) => IsC1(c)
        ? C1Characters[c - 0x80]
        : throw new ArgumentOutOfRangeException(nameof(c), (int)c, "not a C1 control character (U+0080–U+009F)");
}
