using System.Buffers.Binary;

namespace Dice.Core.Images;

/// <summary>
/// Walks a JPEG's markers before StbImageSharp decodes it: StbImageSharp can spin forever on a file that ends inside
/// a marker segment, so every segment must lie inside the file and an end-of-image marker must follow the image data.
/// Truncated JPEGs are refused here.
/// </summary>
internal static class JpegMarkerReader
{
    private const byte EndOfImage = 0xD9;
    private const byte StartOfScan = 0xDA;

    /// <exception cref="ImageFormatException">The marker structure is broken; the message starts with <paramref name="source"/>.</exception>
    public static void Check(ReadOnlySpan<byte> jpeg, string source)
    {
        int offset = 2; // after the start-of-image marker
        bool inScan = false;
        while (true)
        {
            if (inScan)
            {
                offset = NextMarkerAfterScanData(jpeg, offset, source);
            }
            if (jpeg.Length - offset < 2)
            {
                throw Error(source, "truncated JPEG: the file ends before its end-of-image marker");
            }
            if (jpeg[offset] != 0xFF)
            {
                throw Error(source, $"expected a JPEG marker at offset {offset}, found byte {jpeg[offset]:X2}");
            }
            byte marker = jpeg[offset + 1];
            if (marker == 0xFF)
            {
                offset++; // a fill byte before a marker
                continue;
            }
            if (marker == EndOfImage)
            {
                return;
            }
            if (marker is 0x00 or 0xD8 or (>= 0xD0 and <= 0xD7) or 0x01)
            {
                throw Error(source, $"unexpected JPEG marker FF{marker:X2} at offset {offset}");
            }
            if (jpeg.Length - offset < 4)
            {
                throw Error(source, $"truncated JPEG: marker FF{marker:X2} at offset {offset} has no segment length");
            }
            int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg[(offset + 2)..]);
            if (length < 2 || length > jpeg.Length - offset - 2)
            {
                throw Error(source, $"truncated JPEG: the FF{marker:X2} segment at offset {offset} declares {length} bytes, more than remain");
            }
            offset += 2 + length;
            inScan = marker == StartOfScan;
        }
    }

    /// <summary>The offset of the first marker after entropy-coded data (skipping stuffed FF 00 and restart markers).</summary>
    private static int NextMarkerAfterScanData(ReadOnlySpan<byte> jpeg, int offset, string source)
    {
        while (true)
        {
            int found = jpeg[offset..].IndexOf((byte)0xFF);
            if (found < 0 || offset + found + 1 >= jpeg.Length)
            {
                throw Error(source, "truncated JPEG: the image data ends without an end-of-image marker");
            }
            offset += found;
            byte next = jpeg[offset + 1];
            if (next is 0x00 or (>= 0xD0 and <= 0xD7))
            {
                offset += 2;
                continue;
            }
            return offset;
        }
    }

    private static ImageFormatException Error(string source, string problem) => new($"{source}: {problem}");
}
