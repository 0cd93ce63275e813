using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Unicode;

namespace Dice.Safetensors;

/// <summary>
/// A validated safetensors header: metadata and tensor entries. Validation follows the reference
/// implementation: known dtypes, sizes matching shapes, and tensors that tile the data buffer exactly.
/// </summary>
public sealed class SafetensorsHeader
{
    /// <summary>Size of the little-endian header length that starts every file.</summary>
    public const int LengthPrefixSize = 8;

    /// <summary>Largest header the reference implementation accepts.</summary>
    public const long MaxHeaderLength = 100_000_000;

    internal const string MetadataKey = "__metadata__";

    private readonly Dictionary<string, TensorInfo> _byName;

    private SafetensorsHeader(
        IReadOnlyDictionary<string, string> metadata, TensorInfo[] tensorsInDataOrder, Dictionary<string, TensorInfo> byName,
        int headerLength, long dataLength)
    {
        Metadata = metadata;
        Tensors = tensorsInDataOrder;
        _byName = byName;
        HeaderLength = headerLength;
        DataLength = dataLength;
    }

    /// <summary>The "__metadata__" entries; empty when the header has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Tensors in file order, i.e. by position in the data buffer.</summary>
    public IReadOnlyList<TensorInfo> Tensors { get; }

    /// <summary>Bytes of JSON header, padding included (the N of the length prefix).</summary>
    public int HeaderLength { get; }

    /// <summary>Offset of the data buffer from the start of the file.</summary>
    public long DataStart => LengthPrefixSize + HeaderLength;

    /// <summary>Bytes in the data buffer.</summary>
    public long DataLength { get; }

    public bool TryGetTensor(string name, [NotNullWhen(true)] out TensorInfo? tensor) => _byName.TryGetValue(name, out tensor);

    /// <summary>Validates a header's JSON (padding included) against a data buffer of <paramref name="dataLength"/> bytes.</summary>
    /// <param name="headerJson">The N header bytes that follow the length prefix.</param>
    /// <param name="dataLength">Bytes in the data buffer, i.e. file length - 8 - N.</param>
    /// <param name="source">File name used in error messages.</param>
    /// <exception cref="SafetensorsFormatException">The header breaks the format.</exception>
    public static SafetensorsHeader Parse(ReadOnlySpan<byte> headerJson, long dataLength, string? source = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dataLength);
        if (headerJson.Length > MaxHeaderLength)
        {
            throw new SafetensorsFormatException(source, null,
                $"header is {headerJson.Length:N0} bytes, more than the {MaxHeaderLength:N0}-byte limit.");
        }
        if (!Utf8.IsValid(headerJson))
        {
            throw new SafetensorsFormatException(source, null, "header is not valid UTF-8; the file is corrupt or not a safetensors file.");
        }
        if (headerJson.IsEmpty || headerJson[0] != (byte)'{')
        {
            throw new SafetensorsFormatException(source, null,
                "header does not start with '{'; the file is corrupt or not a safetensors file.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerJson.ToArray());
        }
        catch (JsonException ex)
        {
            throw new SafetensorsFormatException(source, null, $"header is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            try
            {
                return FromJson(document.RootElement, headerJson.Length, dataLength, source);
            }
            catch (InvalidOperationException ex)
            {
                // JsonDocument decodes strings when they are read: an escape such as \ud800 that is not valid UTF-16 fails then.
                throw new SafetensorsFormatException(source, null, $"header holds a string that is not valid Unicode: {ex.Message}", ex);
            }
        }
    }

    /// <summary>Reads and validates the length prefix and header at the start of a file.</summary>
    /// <param name="fileStart">The file's bytes from offset 0; at least the prefix and header when the file holds them.</param>
    /// <param name="fileLength">Length of the whole file.</param>
    /// <param name="source">File name used in error messages.</param>
    internal static SafetensorsHeader ReadFromFileStart(ReadOnlySpan<byte> fileStart, long fileLength, string? source)
    {
        if (fileLength < LengthPrefixSize)
        {
            throw new SafetensorsFormatException(source, null,
                $"file holds {fileLength} bytes, too few for the {LengthPrefixSize}-byte header length prefix; it is empty, truncated or not a safetensors file.");
        }
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(fileStart);
        if (headerLength > MaxHeaderLength)
        {
            throw new SafetensorsFormatException(source, null,
                $"header length prefix says {headerLength:N0} bytes, more than the {MaxHeaderLength:N0}-byte limit; the file is corrupt or not a safetensors file.");
        }
        var available = fileLength - LengthPrefixSize;
        if ((long)headerLength > available)
        {
            throw new SafetensorsFormatException(source, null,
                $"file is truncated: header length prefix says {headerLength:N0} bytes of header, file holds {available:N0} after the prefix.");
        }
        var header = fileStart.Slice(LengthPrefixSize, (int)headerLength);
        return Parse(header, available - (long)headerLength, source);
    }

    private static SafetensorsHeader FromJson(JsonElement root, int headerLength, long dataLength, string? source)
    {
        IReadOnlyDictionary<string, string> metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var metadataSeen = false;
        var byName = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);

        foreach (var property in root.EnumerateObject())
        {
            if (property.Name == MetadataKey)
            {
                if (metadataSeen)
                {
                    throw new SafetensorsFormatException(source, null, $"header has more than one \"{MetadataKey}\" entry.");
                }
                metadataSeen = true;
                metadata = ParseMetadata(property.Value, source);
                continue;
            }
            if (byName.ContainsKey(property.Name))
            {
                throw new SafetensorsFormatException(source, property.Name, "the header lists this tensor more than once.");
            }
            byName.Add(property.Name, ParseTensor(property.Name, property.Value, source));
        }

        var tensors = byName.Values.ToArray();
        // Zero-size tensors may share a begin offset with the next tensor; order by end too so they sort first.
        Array.Sort(tensors, (a, b) =>
        {
            var order = a.DataBegin.CompareTo(b.DataBegin);
            if (order == 0)
            {
                order = a.DataEnd.CompareTo(b.DataEnd);
            }
            return order != 0 ? order : string.CompareOrdinal(a.Name, b.Name);
        });
        CheckCoverage(tensors, dataLength, source);
        return new SafetensorsHeader(metadata, tensors, byName, headerLength, dataLength);
    }

    private static Dictionary<string, string> ParseMetadata(JsonElement value, string? source)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (value.ValueKind == JsonValueKind.Null)
        {
            return metadata;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException(source, null,
                $"\"{MetadataKey}\" must be an object of string values, found {Describe(value.ValueKind)}.");
        }
        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw new SafetensorsFormatException(source, null,
                    $"\"{MetadataKey}\" entry '{entry.Name}' must be a string, found {Describe(entry.Value.ValueKind)}.");
            }
            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
            {
                throw new SafetensorsFormatException(source, null, $"\"{MetadataKey}\" lists key '{entry.Name}' more than once.");
            }
        }
        return metadata;
    }

    private static TensorInfo ParseTensor(string name, JsonElement entry, string? source)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException(source, name,
                $"entry must be an object with dtype, shape and data_offsets, found {Describe(entry.ValueKind)}.");
        }

        var dtypeName = Required(entry, "dtype", JsonValueKind.String, name, source).GetString();
        if (!SafetensorsDTypeExtensions.TryParseHeaderName(dtypeName, out var dtype))
        {
            throw new SafetensorsFormatException(source, name,
                $"unknown dtype \"{dtypeName}\"; expected one of BOOL, U8, I8, I16, U16, I32, U32, I64, U64, F16, BF16, F32, F64, F8_E4M3, F8_E5M2.");
        }

        var shapeElement = Required(entry, "shape", JsonValueKind.Array, name, source);
        var shape = new long[shapeElement.GetArrayLength()];
        var i = 0;
        foreach (var dim in shapeElement.EnumerateArray())
        {
            shape[i++] = ReadNonNegativeInteger(dim, "shape", name, source);
        }

        var offsetsElement = Required(entry, "data_offsets", JsonValueKind.Array, name, source);
        if (offsetsElement.GetArrayLength() != 2)
        {
            throw new SafetensorsFormatException(source, name,
                $"data_offsets must hold exactly two numbers [begin, end], found {offsetsElement.GetArrayLength()}.");
        }
        var begin = ReadNonNegativeInteger(offsetsElement[0], "data_offsets", name, source);
        var end = ReadNonNegativeInteger(offsetsElement[1], "data_offsets", name, source);
        if (end < begin)
        {
            throw new SafetensorsFormatException(source, name, $"data_offsets [{begin}, {end}] end before they begin.");
        }

        if (!TensorInfo.TryGetSizes(shape, dtype.Value, out var elementCount, out var expectedBytes))
        {
            throw new SafetensorsFormatException(source, name, $"shape {TensorInfo.FormatShape(shape)} is too large to address.");
        }
        if (end - begin != expectedBytes)
        {
            throw new SafetensorsFormatException(source, name,
                $"data_offsets [{begin}, {end}] span {end - begin} bytes, but shape {TensorInfo.FormatShape(shape)} of {dtypeName} needs {expectedBytes} bytes.");
        }
        return new TensorInfo(name, dtype.Value, shape, begin, end, elementCount);
    }

    /// <summary>Checks that the tensors, sorted by position, tile the data buffer from 0 to its end.</summary>
    private static void CheckCoverage(TensorInfo[] tensorsInDataOrder, long dataLength, string? source)
    {
        var furthest = tensorsInDataOrder.MaxBy(t => t.DataEnd);
        if (furthest is not null && furthest.DataEnd > dataLength)
        {
            throw new SafetensorsFormatException(source, furthest.Name,
                $"data_offsets [{furthest.DataBegin}, {furthest.DataEnd}] reach past the data buffer: file is truncated: header says {furthest.DataEnd:N0} bytes of data, file holds {dataLength:N0}. Re-download or re-export it.");
        }

        long covered = 0;
        TensorInfo? previous = null;
        foreach (var tensor in tensorsInDataOrder)
        {
            if (tensor.DataBegin > covered)
            {
                throw new SafetensorsFormatException(source, tensor.Name,
                    $"hole in the data buffer: bytes [{covered}, {tensor.DataBegin}) before this tensor belong to no tensor.");
            }
            if (tensor.DataBegin < covered)
            {
                throw new SafetensorsFormatException(source, tensor.Name,
                    $"data_offsets [{tensor.DataBegin}, {tensor.DataEnd}] overlap tensor '{previous!.Name}' at [{previous.DataBegin}, {previous.DataEnd}].");
            }
            covered = tensor.DataEnd;
            previous = tensor;
        }
        if (covered != dataLength)
        {
            throw new SafetensorsFormatException(source, null,
                $"hole in the data buffer: it holds {dataLength:N0} bytes, but the tensors end at {covered:N0}; the last {dataLength - covered:N0} bytes belong to no tensor.");
        }
    }

    private static JsonElement Required(JsonElement entry, string field, JsonValueKind kind, string tensor, string? source)
    {
        if (!entry.TryGetProperty(field, out var value))
        {
            throw new SafetensorsFormatException(source, tensor, $"entry has no \"{field}\" field.");
        }
        if (value.ValueKind != kind)
        {
            throw new SafetensorsFormatException(source, tensor, $"\"{field}\" must be {Describe(kind)}, found {Describe(value.ValueKind)}.");
        }
        return value;
    }

    private static long ReadNonNegativeInteger(JsonElement value, string field, string tensor, string? source)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number) || number < 0)
        {
            throw new SafetensorsFormatException(source, tensor, $"\"{field}\" must hold non-negative integers, found {value.GetRawText()}.");
        }
        return number;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };
}
