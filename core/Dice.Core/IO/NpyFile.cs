using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Dice.Core.IO;

/// <summary>A float array read from a .npy file, in C order, widened to float32.</summary>
/// <param name="Dtype">The file's dtype as numpy names it: float32 or float16.</param>
public sealed record NpyArray(float[] Data, IReadOnlyList<int> Shape, string Dtype);

/// <summary>
/// Reads numpy's .npy format (format versions 1–3): the magic "\x93NUMPY", a version byte pair, the header length
/// (uint16 in version 1, uint32 after), an ASCII Python-literal dict with 'descr', 'fortran_order' and 'shape', then
/// the raw data. Little-endian float32 ('&lt;f4') and float16 ('&lt;f2') in C order are read; anything else is
/// refused with a message naming the file and what it holds.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <exception cref="InvalidDataException">The file is not a .npy of little-endian float32 or float16 in C order.</exception>
    public static NpyArray Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>The array in <paramref name="bytes"/>, a .npy file's contents; <paramref name="path"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a .npy of little-endian float32 or float16 in C order.</exception>
    public static NpyArray Decode(byte[] bytes, string path)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length < 10 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path}: not a .npy file (no \\x93NUMPY magic)");
        }
        var major = bytes[6];
        int headerLength, headerStart;
        switch (major)
        {
            case 1:
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8, 2));
                headerStart = 10;
                break;
            case 2 or 3 when bytes.Length >= 12:
                var declared = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8, 4));
                headerStart = 12;
                headerLength = declared <= (uint)(bytes.Length - headerStart) ? (int)declared
                    : throw new InvalidDataException($"{path}: the .npy header runs past the end of the file");
                break;
            default:
                throw new InvalidDataException($"{path}: .npy format version {major}.{bytes[7]} is not supported (1, 2 or 3)");
        }
        if (headerStart + headerLength > bytes.Length)
        {
            throw new InvalidDataException($"{path}: the .npy header runs past the end of the file");
        }
        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes, headerStart, headerLength);
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shapeMatch.Success)
        {
            throw new InvalidDataException($"{path}: the .npy header is not a dict with descr, fortran_order and shape: {header.Trim()}");
        }
        if (fortran.Groups[1].Value == "True")
        {
            throw new InvalidDataException($"{path}: the array is in Fortran order; save it in C order (numpy.ascontiguousarray)");
        }
        var dims = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var shape = new int[dims.Length];
        var count = 1L;
        for (var i = 0; i < dims.Length; i++)
        {
            // Each dimension, and the element count, must fit the float[] the data is read into.
            if (!int.TryParse(dims[i].TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out shape[i])
                || (count *= Math.Max(shape[i], 1)) > Array.MaxLength)
            {
                throw new InvalidDataException(
                    $"{path}: the .npy shape ({shapeMatch.Groups[1].Value}) is not a tuple of non-negative integers of at most {Array.MaxLength} elements in all");
            }
        }
        count = shape.Aggregate(1L, (a, d) => a * d);
        var (width, dtype) = descr.Groups[1].Value switch
        {
            "<f4" => (4, "float32"),
            "<f2" => (2, "float16"),
            var other => throw new InvalidDataException(
                $"{path}: dtype '{other}' is not supported; save the latents as little-endian float32 or float16"),
        };
        var dataStart = headerStart + headerLength;
        if (bytes.Length - dataStart != count * width)
        {
            throw new InvalidDataException(
                $"{path}: shape ({string.Join(", ", shape)}) of {dtype} needs {count * width} bytes of data, the file has {bytes.Length - dataStart}");
        }
        var data = new float[count];
        var raw = bytes.AsSpan(dataStart);
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = width == 4
                ? BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(4 * i, 4))
                : (float)BinaryPrimitives.ReadHalfLittleEndian(raw.Slice(2 * i, 2));
        }
        return new NpyArray(data, shape, dtype);
    }

    [GeneratedRegex(@"['""]descr['""]\s*:\s*['""]([^'""]*)['""]")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"['""]fortran_order['""]\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"['""]shape['""]\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
