using System.Buffers.Binary;
using System.Text;

namespace Dice.Safetensors.Tests;

/// <summary>Builds safetensors bytes by hand, straight from the format description, for layout and rejection tests.</summary>
internal static class RawFile
{
    public static byte[] Build(string headerJson, byte[] data, ulong? headerLengthOverride = null)
    {
        var json = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLengthOverride ?? (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    public static byte[] Sequence(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 1)).ToArray();
}
