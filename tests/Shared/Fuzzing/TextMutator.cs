using System.Text;

namespace Dice.Tests.Shared.Fuzzing;

/// <summary>
/// Seeded mutations of a valid text file (JSON configs, vocabularies, merges): half the time one token (a number,
/// a quoted string, a literal) is replaced by a boundary value or a value of another type, so the result usually
/// still parses as JSON and reaches the checks behind the parser; otherwise the bytes are mutated as by
/// <see cref="ByteMutator"/>.
/// </summary>
internal static class TextMutator
{
    private static readonly string[] Replacements =
    [
        "0", "-1", "1e309", "-1e309", "1.5", "2147483648", "9223372036854775808", "-9223372036854775809", "1e-400",
        "\"\"", "\"a\"", "null", "true", "[]", "{}", "[[]]", "{\"a\":1}", "\"\\u0000\"", "\"\\ud800\"",
        "\"" + new string('x', 300) + "\"", "NaN", "\"NaN\"", ",", ":", "\"", "{", "]",
    ];

    public static byte[] Mutate(string sample, int seed, int iteration)
    {
        var random = new Random(unchecked(seed * 1_000_003 + iteration) ^ 0x5EED);
        if (random.Next(2) == 0)
        {
            return ByteMutator.Mutate(Encoding.UTF8.GetBytes(sample), seed, iteration);
        }
        var text = sample;
        var mutations = random.Next(1, 4);
        for (var m = 0; m < mutations; m++)
        {
            var (start, length) = RandomToken(text, random);
            text = string.Concat(text.AsSpan(0, start), Replacements[random.Next(Replacements.Length)], text.AsSpan(start + length));
        }
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>A token starting at or after a random position: a quoted string, a number or a bare word.</summary>
    private static (int Start, int Length) RandomToken(string text, Random random)
    {
        var start = random.Next(text.Length);
        while (start < text.Length && !(text[start] == '"' || text[start] == '-' || char.IsLetterOrDigit(text[start])))
        {
            start++;
        }
        if (start >= text.Length)
        {
            return (text.Length, 0);
        }
        var end = start + 1;
        if (text[start] == '"')
        {
            while (end < text.Length && text[end] != '"')
            {
                end += text[end] == '\\' ? 2 : 1;
            }
            end = Math.Min(end + 1, text.Length);
        }
        else
        {
            while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] is '.' or '-' or '+'))
            {
                end++;
            }
        }
        return (start, end - start);
    }
}
