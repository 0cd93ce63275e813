using System.Buffers;
using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Dice.Safetensors;

/// <summary>
/// Collects tensors and metadata and writes a safetensors file. Output is deterministic: tensors are laid
/// out sorted by name (ordinal), metadata keys sorted, and the header is padded with spaces so the data
/// buffer starts 8-byte aligned. <see cref="Write"/> replaces the target atomically.
/// </summary>
public sealed class SafetensorsWriter
{
    private const int Alignment = 8;

    private static readonly JsonWriterOptions JsonOptions = new()
    {
        // Keep non-ASCII names readable, as other writers do; escaping stays valid JSON either way.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private readonly Dictionary<string, PendingTensor> _tensors = new(StringComparer.Ordinal);

    /// <summary>Written as "__metadata__" when not empty.</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public int Count => _tensors.Count;

    /// <summary>Adds a tensor from its raw little-endian bytes, which are copied.</summary>
    public void Add(string name, SafetensorsDType dtype, ReadOnlySpan<long> shape, ReadOnlySpan<byte> data)
    {
        var byteLength = ValidateEntry(name, dtype, shape);
        if (data.Length != byteLength)
        {
            throw new ArgumentException(
                $"Tensor '{name}': shape {TensorInfo.FormatShape(shape.ToArray())} of {dtype.ToHeaderName()} needs {byteLength} bytes, data holds {data.Length}.",
                nameof(data));
        }
        _tensors.Add(name, new PendingTensor(name, dtype, shape.ToArray(), byteLength, data.ToArray(), Source: null));
    }

    /// <summary>
    /// Adds a tensor whose bytes are fetched only while writing, one tensor at a time, so large checkpoints
    /// need not sit in memory at once. The source is called on every write and must return exactly the shape's size.
    /// </summary>
    public void Add(string name, SafetensorsDType dtype, ReadOnlySpan<long> shape, Func<ReadOnlyMemory<byte>> dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var byteLength = ValidateEntry(name, dtype, shape);
        _tensors.Add(name, new PendingTensor(name, dtype, shape.ToArray(), byteLength, Data: null, dataSource));
    }

    /// <summary>Adds float32 values stored as F32.</summary>
    public void AddFloat32(string name, ReadOnlySpan<long> shape, ReadOnlySpan<float> values) =>
        AddFloats(name, SafetensorsDType.Float32, shape, values);

    /// <summary>Adds float32 values stored as F16, rounded to nearest even.</summary>
    public void AddFloat16(string name, ReadOnlySpan<long> shape, ReadOnlySpan<float> values) =>
        AddFloats(name, SafetensorsDType.Float16, shape, values);

    /// <summary>Adds float32 values stored as BF16, rounded to nearest even.</summary>
    public void AddBFloat16(string name, ReadOnlySpan<long> shape, ReadOnlySpan<float> values) =>
        AddFloats(name, SafetensorsDType.BFloat16, shape, values);

    /// <summary>
    /// Writes the file atomically: into a temporary file beside <paramref name="path"/>, flushed to disk, then
    /// moved over the target. On failure the temporary file is deleted and an existing target is left untouched.
    /// </summary>
    public void Write(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"'{path}' names a root, not a file.", nameof(path));
        var header = BuildHeader();
        // Named as Dice.Core's AtomicFile names its temporary files, so the next run on the output recognises a leftover.
        var tempPath = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.dice-tmp");
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 20))
            {
                WriteTo(stream, header);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tempPath, fullPath, overwrite: true);
        }
        catch
        {
            DeleteQuietly(tempPath);
            throw;
        }
    }

    /// <summary>Writes the file's bytes to a stream (not atomic; see <see cref="Write"/>).</summary>
    public void WriteTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        WriteTo(destination, BuildHeader());
    }

    /// <summary>The file's bytes in memory.</summary>
    public byte[] ToArray()
    {
        using var stream = new MemoryStream();
        WriteTo(stream);
        return stream.ToArray();
    }

    private void AddFloats(string name, SafetensorsDType dtype, ReadOnlySpan<long> shape, ReadOnlySpan<float> values)
    {
        var byteLength = ValidateEntry(name, dtype, shape);
        var elementCount = byteLength / dtype.SizeInBytes();
        if (values.Length != elementCount)
        {
            throw new ArgumentException(
                $"Tensor '{name}': shape {TensorInfo.FormatShape(shape.ToArray())} has {elementCount} elements, values holds {values.Length}.",
                nameof(values));
        }
        var data = new byte[byteLength];
        FloatConversion.EncodeFromFloat32(values, dtype, data);
        _tensors.Add(name, new PendingTensor(name, dtype, shape.ToArray(), byteLength, data, Source: null));
    }

    /// <returns>The byte length the shape and dtype call for.</returns>
    private long ValidateEntry(string name, SafetensorsDType dtype, ReadOnlySpan<long> shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name == SafetensorsHeader.MetadataKey)
        {
            throw new ArgumentException($"'{SafetensorsHeader.MetadataKey}' is reserved for metadata; use Metadata instead.", nameof(name));
        }
        if (!Enum.IsDefined(dtype))
        {
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, $"Tensor '{name}': unknown dtype.");
        }
        if (_tensors.ContainsKey(name))
        {
            throw new ArgumentException($"Tensor '{name}' was already added.", nameof(name));
        }
        if (!TensorInfo.TryGetSizes(shape, dtype, out _, out var byteLength))
        {
            throw new ArgumentException(
                $"Tensor '{name}': shape {TensorInfo.FormatShape(shape.ToArray())} has a negative dimension or is too large.", nameof(shape));
        }
        return byteLength;
    }

    private (byte[] Json, PendingTensor[] Tensors) BuildHeader()
    {
        var tensors = _tensors.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
        {
            json.WriteStartObject();
            if (Metadata.Count > 0)
            {
                json.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach (var (key, value) in Metadata.OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    if (value is null)
                    {
                        throw new InvalidOperationException($"Metadata '{key}' is null; safetensors metadata values must be strings.");
                    }
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var tensor in tensors)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.DType.ToHeaderName());
                json.WriteStartArray("shape");
                foreach (var dim in tensor.Shape)
                {
                    json.WriteNumberValue(dim);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + tensor.ByteLength);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += tensor.ByteLength;
            }
            json.WriteEndObject();
        }

        // The prefix is 8 bytes, so a header length that is a multiple of 8 aligns the data buffer.
        var paddedLength = (buffer.WrittenCount + Alignment - 1) / Alignment * Alignment;
        if (paddedLength > SafetensorsHeader.MaxHeaderLength)
        {
            throw new InvalidOperationException(
                $"The header would be {paddedLength:N0} bytes, more than the {SafetensorsHeader.MaxHeaderLength:N0}-byte limit readers accept.");
        }
        var header = new byte[paddedLength];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return (header, tensors);
    }

    private static void WriteTo(Stream destination, (byte[] Json, PendingTensor[] Tensors) header)
    {
        Span<byte> prefix = stackalloc byte[SafetensorsHeader.LengthPrefixSize];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Json.Length);
        destination.Write(prefix);
        destination.Write(header.Json);
        foreach (var tensor in header.Tensors)
        {
            destination.Write(tensor.GetData());
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original error matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private sealed record PendingTensor(
        string Name, SafetensorsDType DType, long[] Shape, long ByteLength, byte[]? Data, Func<ReadOnlyMemory<byte>>? Source)
    {
        public ReadOnlySpan<byte> GetData()
        {
            if (Data is not null)
            {
                return Data;
            }
            var data = Source!();
            if (data.Length != ByteLength)
            {
                throw new InvalidOperationException(
                    $"Data source for tensor '{Name}' returned {data.Length} bytes; shape {TensorInfo.FormatShape(Shape)} of {DType.ToHeaderName()} needs {ByteLength}.");
            }
            return data.Span;
        }
    }
}
