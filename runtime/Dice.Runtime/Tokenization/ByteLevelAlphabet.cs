namespace Dice.Runtime.Tokenization;

/// <summary>
/// The GPT-2 / CLIP byte-to-unicode table: every byte gets a printable character so that BPE symbols are plain
/// strings without whitespace or control characters. The printable bytes '!'..'~', '¡'..'¬' and '®'..'ÿ' map to
/// the character with the same code; the other 68 bytes map, in increasing order, to U+0100, U+0101, ….
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = BuildByteToChar();
    private static readonly Dictionary<char, byte> CharToByte = ByteToChar
        .Select((c, b) => (c, b))
        .ToDictionary(p => p.c, p => (byte)p.b);

    public static char ToChar(byte value) => ByteToChar[value];

    public static bool TryGetByte(char c, out byte value) => CharToByte.TryGetValue(c, out value);

    private static char[] BuildByteToChar()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = printable ? (char)b : (char)next++;
        }
        return table;
    }
}
