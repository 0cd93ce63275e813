namespace Dice.Core.Images;

/// <summary>
/// The CRC-32 of PNG chunks (ISO 3309 / ITU-T V.42, also used by zlib and gzip): reflected polynomial
/// 0xEDB88320, register preset to all ones, result complemented. Table-driven, one byte at a time.
/// </summary>
public static class PngCrc32
{
    private const uint Polynomial = 0xEDB88320u;

    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>
    /// The CRC-32 of the bytes already summarised by <paramref name="crc"/> followed by <paramref name="data"/>;
    /// start from 0. Append(Append(0, a), b) == Compute(a ++ b).
    /// </summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint c = ~crc;
        foreach (byte b in data)
        {
            c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        }
        return ~c;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? Polynomial ^ (c >> 1) : c >> 1;
            }
            table[n] = c;
        }
        return table;
    }
}
