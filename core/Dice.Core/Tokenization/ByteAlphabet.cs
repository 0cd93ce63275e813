namespace Dice.Core.Tokenization;

/// <summary>
/// The byte-level alphabet of CLIP's BPE: the GPT-2 byte-to-unicode table (bytes '!'..'~', '¡'..'¬' and '®'..'ÿ'
/// keep their own code; the other 68 bytes take U+0100, U+0101, … in increasing byte order) and the ids CLIP's
/// vocab.json gives those 256 characters: ordered by code point, so id 0 is "!" and id 255 is "Ń"; the same 256
/// with <c>&lt;/w&gt;</c> follow as ids 256..511. The runtime tokenizer gets the same table from
/// Microsoft.ML.Tokenizers (ByteLevel); dice-mini's BPE learner uses this one.
/// </summary>
public static class ByteAlphabet
{
    public const int Count = 256;

    private static readonly char[] ByteToChar = BuildByteToChar();
    private static readonly string[] SymbolsInIdOrder = ByteToChar.Order().Select(c => c.ToString()).ToArray();
    private static readonly int[] ByteToId = BuildByteToId();

    /// <summary>The 256 single-character symbols, index = vocabulary id.</summary>
    public static IReadOnlyList<string> InIdOrder => SymbolsInIdOrder;

    public static char ToChar(byte value) => ByteToChar[value];

    /// <summary>Vocabulary id of the byte's symbol; add <see cref="Count"/> for the symbol with <c>&lt;/w&gt;</c>.</summary>
    public static int Id(byte value) => ByteToId[value];

    private static char[] BuildByteToChar()
    {
        var table = new char[Count];
        var next = 256;
        for (var b = 0; b < Count; b++)
        {
            var keepsItsCode = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = keepsItsCode ? (char)b : (char)next++;
        }
        return table;
    }

    private static int[] BuildByteToId()
    {
        var ids = new int[Count];
        for (var b = 0; b < Count; b++)
        {
            ids[b] = Array.IndexOf(SymbolsInIdOrder, ByteToChar[b].ToString());
        }
        return ids;
    }
}
