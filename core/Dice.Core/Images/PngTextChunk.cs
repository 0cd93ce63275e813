using System.Text;

namespace Dice.Core.Images;

/// <summary>
/// One tEXt chunk: an uncompressed Latin-1 keyword/value pair, e.g. ("Software", "Dice") or ("Prompt", "...").
/// Validated when constructed, by the rules of the PNG specification:
/// the keyword is 1–79 characters, each printable Latin-1 (32–126 or 161–255), with no leading or trailing
/// space and no two spaces in a row; the text is Latin-1 (U+0001–U+00FF, no NUL; use "\n" for new lines).
/// </summary>
public sealed record PngTextChunk
{
    public const int MaxKeywordLength = 79;

    public PngTextChunk(string keyword, string text)
    {
        ValidateKeyword(keyword);
        ValidateText(text);
        Keyword = keyword;
        Text = text;
    }

    public string Keyword { get; }

    public string Text { get; }

    /// <summary>Null when <paramref name="keyword"/> is a valid tEXt keyword, otherwise why it is not.</summary>
    public static string? KeywordProblem(string? keyword)
    {
        if (string.IsNullOrEmpty(keyword))
        {
            return "a tEXt keyword must not be empty";
        }
        if (keyword.Length > MaxKeywordLength)
        {
            return $"a tEXt keyword has at most {MaxKeywordLength} characters, got {keyword.Length}";
        }
        if (keyword[0] == ' ' || keyword[^1] == ' ')
        {
            return $"the tEXt keyword \"{keyword}\" starts or ends with a space";
        }
        if (keyword.Contains("  ", StringComparison.Ordinal))
        {
            return $"the tEXt keyword \"{keyword}\" has two spaces in a row";
        }
        foreach (char c in keyword)
        {
            if (!(c is >= ' ' and <= '~' || c is >= '\u00A1' and <= '\u00FF'))
            {
                return $"the tEXt keyword \"{keyword}\" has the character U+{(int)c:X4}, which is not printable Latin-1";
            }
        }
        return null;
    }

    /// <summary>Null when <paramref name="text"/> can be stored in a tEXt chunk, otherwise why it cannot.</summary>
    public static string? TextProblem(string? text)
    {
        if (text is null)
        {
            return "tEXt text must not be null";
        }
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\0' || c > '\u00FF')
            {
                return $"tEXt text is Latin-1 without NUL; the character U+{(int)c:X4} at index {i} is not allowed";
            }
        }
        return null;
    }

    /// <summary>The chunk data: keyword, a NUL separator, the text; Latin-1.</summary>
    public byte[] ToChunkData()
    {
        var data = new byte[Keyword.Length + 1 + Text.Length];
        Encoding.Latin1.GetBytes(Keyword, data);
        data[Keyword.Length] = 0;
        Encoding.Latin1.GetBytes(Text, data.AsSpan(Keyword.Length + 1));
        return data;
    }

    /// <summary>Parses tEXt chunk data; null when it has no NUL separator or breaks the rules above.</summary>
    internal static PngTextChunk? TryFromChunkData(ReadOnlySpan<byte> data)
    {
        int separator = data.IndexOf((byte)0);
        if (separator < 0)
        {
            return null;
        }
        string keyword = Encoding.Latin1.GetString(data[..separator]);
        string text = Encoding.Latin1.GetString(data[(separator + 1)..]);
        return KeywordProblem(keyword) is null && TextProblem(text) is null ? new PngTextChunk(keyword, text) : null;
    }

    private static void ValidateKeyword(string keyword)
    {
        string? problem = KeywordProblem(keyword);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(keyword));
        }
    }

    private static void ValidateText(string text)
    {
        string? problem = TextProblem(text);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(text));
        }
    }
}
