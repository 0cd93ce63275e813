using System.Buffers.Binary;

namespace Dice.Tests.Shared.Fuzzing;

/// <summary>
/// Seeded mutations of a valid file: bit flips, bytes overwritten with boundary values, truncation, inserted or
/// duplicated ranges, removed ranges, and 2-, 4- or 8-byte little-endian fields set to huge or boundary values (where
/// length prefixes and sizes live). One iteration's input depends only on (seed, iteration), so it can be rebuilt alone.
/// </summary>
internal static class ByteMutator
{
    private static readonly byte[] BoundaryBytes = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE];

    private static readonly ulong[] BoundaryFields =
    [
        0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
        0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFF,
    ];

    /// <summary>The input of one iteration: <paramref name="sample"/> with one to four seeded mutations.</summary>
    public static byte[] Mutate(byte[] sample, int seed, int iteration)
    {
        var random = new Random(unchecked(seed * 1_000_003 + iteration));
        var data = new List<byte>(sample);
        var mutations = random.Next(1, 5);
        for (var m = 0; m < mutations; m++)
        {
            MutateOnce(data, random);
        }
        return [.. data];
    }

    private static void MutateOnce(List<byte> data, Random random)
    {
        if (data.Count == 0)
        {
            data.Add(BoundaryBytes[random.Next(BoundaryBytes.Length)]);
            return;
        }
        var at = random.Next(data.Count);
        switch (random.Next(7))
        {
            case 0:
                data[at] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                data[at] = BoundaryBytes[random.Next(BoundaryBytes.Length)];
                break;
            case 2:
                data.RemoveRange(at, data.Count - at);
                break;
            case 3:
            {
                var length = Math.Min(random.Next(1, 64), data.Count - at);
                var range = data.GetRange(at, length);
                data.InsertRange(random.Next(data.Count + 1), range);
                break;
            }
            case 4:
            {
                var length = random.Next(1, 16);
                data.InsertRange(at, Enumerable.Range(0, length).Select(_ => BoundaryBytes[random.Next(BoundaryBytes.Length)]));
                break;
            }
            case 5:
                data.RemoveRange(at, Math.Min(random.Next(1, 32), data.Count - at));
                break;
            default:
            {
                Span<byte> field = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(field, BoundaryFields[random.Next(BoundaryFields.Length)]);
                var width = new[] { 2, 4, 8 }[random.Next(3)];
                for (var i = 0; i < width && at + i < data.Count; i++)
                {
                    data[at + i] = field[i];
                }
                break;
            }
        }
    }
}
