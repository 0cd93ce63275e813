using System.Text;

namespace Dice.Core.Images;

/// <summary>
/// A tiny built-in bitmap font for labelling images: printable ASCII (32–126), 5 × 9 pixel glyphs (cap height 7,
/// two descender rows) on a 6-pixel advance and 10-pixel line height, each scaled by an integer factor. Other
/// characters draw as '?'; tabs as a space; '\n' starts a new line and '\r' is ignored.
/// </summary>
public static class BitmapFont
{
    public const int GlyphWidth = 5;
    public const int GlyphHeight = 9;

    /// <summary>Horizontal distance from one character to the next (glyph plus one blank column).</summary>
    public const int Advance = GlyphWidth + 1;

    /// <summary>Vertical distance from one line to the next (glyph plus one blank row).</summary>
    public const int LineHeight = GlyphHeight + 1;

    /// <summary>For each character from ' ' to '~', one bit mask per row; bit 4 is the leftmost column.</summary>
    private static readonly byte[][] Glyphs = ParseGlyphs();

    /// <summary>Whether the glyph drawn for <paramref name="c"/> has ink at (column, row), both from 0.</summary>
    public static bool HasInk(char c, int column, int row)
    {
        if (column is < 0 or >= GlyphWidth || row is < 0 or >= GlyphHeight)
        {
            return false;
        }
        return (Glyphs[Normalize(c) - BitmapFontGlyphs.First][row] & (1 << (GlyphWidth - 1 - column))) != 0;
    }

    /// <summary>Width in pixels of one line of <paramref name="characters"/> characters: no trailing blank column.</summary>
    public static int MeasureWidth(int characters, int scale = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(characters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        return characters == 0 ? 0 : ((characters * Advance) - 1) * scale;
    }

    /// <summary>Width in pixels of the longest line of <paramref name="text"/>.</summary>
    public static int MeasureWidth(string text, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SplitLines(text).Max(line => MeasureWidth(line.Length, scale));
    }

    /// <summary>Height in pixels of <paramref name="text"/>: its number of lines times the line height.</summary>
    public static int MeasureHeight(string text, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        return SplitLines(text).Count * LineHeight * scale;
    }

    /// <summary>
    /// Breaks <paramref name="text"/> into lines no wider than <paramref name="maxWidth"/> pixels: at each '\n', then
    /// greedily between words (runs of spaces collapse to one); a word longer than a line is cut. At least one
    /// character fits on a line whatever the width.
    /// </summary>
    public static IReadOnlyList<string> Wrap(string text, int maxWidth, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        int maxCharacters = Math.Max(1, (maxWidth + scale) / (Advance * scale));
        var lines = new List<string>();
        foreach (string paragraph in SplitLines(text))
        {
            var current = new StringBuilder();
            foreach (string word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (current.Length > 0 && current.Length + 1 + word.Length <= maxCharacters)
                {
                    current.Append(' ').Append(word);
                    continue;
                }
                if (current.Length > 0)
                {
                    lines.Add(current.ToString());
                    current.Clear();
                }
                int start = 0;
                while (word.Length - start > maxCharacters)
                {
                    lines.Add(word.Substring(start, maxCharacters));
                    start += maxCharacters;
                }
                current.Append(word, start, word.Length - start);
            }
            lines.Add(current.ToString());
        }
        return lines;
    }

    /// <summary>
    /// Draws <paramref name="text"/> with the top-left corner of its first glyph at (x, y), each font pixel a
    /// <paramref name="scale"/> × <paramref name="scale"/> square; only ink is drawn, and what falls outside the
    /// image is clipped.
    /// </summary>
    public static void DrawText(RgbImage image, int x, int y, string text, RgbColor color, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        IReadOnlyList<string> lines = SplitLines(text);
        for (int lineIndex = 0; lineIndex < lines.Count; lineIndex++)
        {
            string line = lines[lineIndex];
            int top = y + (lineIndex * LineHeight * scale);
            for (int i = 0; i < line.Length; i++)
            {
                DrawGlyph(image, x + (i * Advance * scale), top, line[i], color, scale);
            }
        }
    }

    private static void DrawGlyph(RgbImage image, int x, int y, char c, RgbColor color, int scale)
    {
        byte[] rows = Glyphs[Normalize(c) - BitmapFontGlyphs.First];
        for (int row = 0; row < GlyphHeight; row++)
        {
            for (int column = 0; column < GlyphWidth; column++)
            {
                if ((rows[row] & (1 << (GlyphWidth - 1 - column))) != 0)
                {
                    image.FillRectangle(x + (column * scale), y + (row * scale), scale, scale, color);
                }
            }
        }
    }

    private static char Normalize(char c) => c switch
    {
        '\t' => ' ',
        >= BitmapFontGlyphs.First and <= BitmapFontGlyphs.Last => c,
        _ => '?',
    };

    private static List<string> SplitLines(string text) =>
        text.Replace("\r", string.Empty, StringComparison.Ordinal).Split('\n').ToList();

    private static byte[][] ParseGlyphs()
    {
        string[] source = BitmapFontGlyphs.Rows;
        int expected = BitmapFontGlyphs.Last - BitmapFontGlyphs.First + 1;
        if (source.Length != expected)
        {
            throw new InvalidOperationException($"the font has {source.Length} glyphs, expected {expected}");
        }
        var glyphs = new byte[expected][];
        for (int i = 0; i < expected; i++)
        {
            string[] rows = source[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (rows.Length > GlyphHeight)
            {
                throw new InvalidOperationException($"glyph {i + BitmapFontGlyphs.First} has {rows.Length} rows, at most {GlyphHeight} allowed");
            }
            glyphs[i] = new byte[GlyphHeight];
            for (int row = 0; row < rows.Length; row++)
            {
                if (rows[row].Length != GlyphWidth || rows[row].Any(c => c is not ('#' or '.')))
                {
                    throw new InvalidOperationException($"glyph {i + BitmapFontGlyphs.First}, row {row}: \"{rows[row]}\" is not {GlyphWidth} of '#' or '.'");
                }
                for (int column = 0; column < GlyphWidth; column++)
                {
                    if (rows[row][column] == '#')
                    {
                        glyphs[i][row] |= (byte)(1 << (GlyphWidth - 1 - column));
                    }
                }
            }
        }
        return glyphs;
    }
}
