namespace Dice.Core.Images;

/// <summary>
/// PNG filter method 0 on one scanline (the bytes of a row, without the leading filter-type byte).
/// For byte x of the row: a = the byte bpp to the left (0 at the start of the row), b = the byte above
/// (0 on the first row), c = the byte above and bpp to the left. All arithmetic is modulo 256.
/// </summary>
internal static class PngFilters
{
    /// <summary>Writes the filtered form of <paramref name="row"/> to <paramref name="output"/> (same length).</summary>
    public static void Filter(PngFilterType type, ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bpp, Span<byte> output)
    {
        int length = row.Length;
        switch (type)
        {
            case PngFilterType.None:
                row.CopyTo(output);
                break;
            case PngFilterType.Sub:
                for (int x = 0; x < length; x++)
                {
                    int a = x >= bpp ? row[x - bpp] : 0;
                    output[x] = (byte)(row[x] - a);
                }
                break;
            case PngFilterType.Up:
                for (int x = 0; x < length; x++)
                {
                    output[x] = (byte)(row[x] - prior[x]);
                }
                break;
            case PngFilterType.Average:
                for (int x = 0; x < length; x++)
                {
                    int a = x >= bpp ? row[x - bpp] : 0;
                    output[x] = (byte)(row[x] - ((a + prior[x]) >> 1));
                }
                break;
            case PngFilterType.Paeth:
                for (int x = 0; x < length; x++)
                {
                    int a = x >= bpp ? row[x - bpp] : 0;
                    int c = x >= bpp ? prior[x - bpp] : 0;
                    output[x] = (byte)(row[x] - PaethPredictor(a, prior[x], c));
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "PNG filter types are 0 to 4");
        }
    }

    /// <summary>
    /// The filter type the PNG specification's recommended heuristic picks for a row: the one whose output, read
    /// as signed bytes, has the smallest sum of absolute values. Ties go to the lower type number, so the choice
    /// is deterministic. <paramref name="output"/> receives the chosen filtered row; <paramref name="scratch"/>
    /// must be as long as the row.
    /// </summary>
    public static PngFilterType FilterAdaptive(ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bpp, Span<byte> output, Span<byte> scratch)
    {
        PngFilterType best = PngFilterType.None;
        long bestSum = long.MaxValue;
        for (var type = PngFilterType.None; type <= PngFilterType.Paeth; type++)
        {
            Filter(type, row, prior, bpp, scratch);
            long sum = 0;
            foreach (byte b in scratch)
            {
                sum += Math.Abs((int)(sbyte)b);
            }
            if (sum < bestSum)
            {
                bestSum = sum;
                best = type;
                scratch.CopyTo(output);
            }
        }
        return best;
    }

    /// <summary>The Paeth predictor: whichever of a (left), b (above), c (upper left) is closest to a + b − c; ties prefer a, then b.</summary>
    public static int PaethPredictor(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a);
        int pb = Math.Abs(p - b);
        int pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc)
        {
            return a;
        }
        return pb <= pc ? b : c;
    }
}
