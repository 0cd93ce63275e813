using System.Text;

namespace Dice.Tests.Shared;

/// <summary>
/// .npy files written byte by byte from numpy's format description (NEP 1): "\x93NUMPY", version 1.0, a uint16
/// little-endian header length, the header dict padded with spaces and ended by '\n' so the data starts at a
/// multiple of 64, then the raw little-endian data.
/// </summary>
internal static class NpyBytes
{
    public static byte[] Create(string descr, string shape, ReadOnlySpan<byte> data, bool fortranOrder = false)
    {
        var dict = $"{{'descr': '{descr}', 'fortran_order': {(fortranOrder ? "True" : "False")}, 'shape': {shape}, }}";
        var unpadded = 10 + dict.Length + 1;
        var header = dict + new string(' ', (64 - unpadded % 64) % 64) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange(Encoding.ASCII.GetBytes("NUMPY"));
        bytes.Add(1);
        bytes.Add(0);
        bytes.Add((byte)(header.Length & 0xFF));
        bytes.Add((byte)(header.Length >> 8));
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data.ToArray());
        return [.. bytes];
    }

    /// <summary>Float32 values as '&lt;f4' with the given numpy shape literal, e.g. "(1, 4, 8, 8)".</summary>
    public static byte[] Float32(string shape, ReadOnlySpan<float> values)
    {
        var data = new byte[4 * values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var bits = BitConverter.SingleToUInt32Bits(values[i]);
            for (var b = 0; b < 4; b++)
            {
                data[4 * i + b] = (byte)(bits >> (8 * b));
            }
        }
        return Create("<f4", shape, data);
    }
}
