using System.Diagnostics.CodeAnalysis;
using System.IO.MemoryMappedFiles;

namespace Dice.Safetensors;

/// <summary>
/// A validated safetensors file. <see cref="Open"/> memory-maps the file read-only, so tensor bytes are
/// read lazily by the OS and never copied into managed memory unless asked for (<see cref="ReadBytes"/>,
/// <see cref="ReadFloat32(string)"/>). Spans from <see cref="GetSpan(string)"/> are valid until <see cref="Dispose"/>.
/// Reading is thread-safe; disposing while other threads read is not.
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _mappedData;
    private readonly byte[]? _bytes;
    private bool _disposed;

    private SafetensorsFile(string? filePath, SafetensorsHeader header, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* mappedData, byte[]? bytes)
    {
        FilePath = filePath;
        Header = header;
        _map = map;
        _view = view;
        _mappedData = mappedData;
        _bytes = bytes;
    }

    /// <summary>Full path of the file, or the name given to <see cref="Parse"/> for in-memory data.</summary>
    public string? FilePath { get; }

    public SafetensorsHeader Header { get; }

    /// <summary>The "__metadata__" entries; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata => Header.Metadata;

    /// <summary>Tensors in file order, i.e. by position in the data buffer.</summary>
    public IReadOnlyList<TensorInfo> Tensors => Header.Tensors;

    /// <summary>Memory-maps and validates a safetensors file.</summary>
    /// <exception cref="SafetensorsFormatException">The file breaks the format; no handle stays open.</exception>
    public static SafetensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        FileStream? stream = null;
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        var pointerAcquired = false;
        try
        {
            stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 1);
            var fileLength = stream.Length;
            if (fileLength < SafetensorsHeader.LengthPrefixSize)
            {
                // Mapping an empty file throws, so report short files before mapping.
                SafetensorsHeader.ReadFromFileStart([], fileLength, fullPath);
            }
            map = MemoryMappedFile.CreateFromFile(stream, mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* fileStart = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref fileStart);
            pointerAcquired = true;
            fileStart += view.PointerOffset;

            var header = SafetensorsHeader.ReadFromFileStart(
                new ReadOnlySpan<byte>(fileStart, (int)Math.Min(fileLength, int.MaxValue)), fileLength, fullPath);
            return new SafetensorsFile(fullPath, header, map, view, fileStart + header.DataStart, bytes: null);
        }
        catch
        {
            if (pointerAcquired)
            {
                view!.SafeMemoryMappedViewHandle.ReleasePointer();
            }
            view?.Dispose();
            map?.Dispose();
            stream?.Dispose();
            throw;
        }
    }

    /// <summary>Validates a safetensors file held in memory. The array is used in place, not copied.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="sourceName">Name used in error messages.</param>
    public static SafetensorsFile Parse(byte[] bytes, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var header = SafetensorsHeader.ReadFromFileStart(bytes, bytes.LongLength, sourceName);
        return new SafetensorsFile(sourceName, header, map: null, view: null, mappedData: null, bytes);
    }

    /// <summary>Copies a stream into memory and validates it; prefer <see cref="Open"/> for files.</summary>
    public static SafetensorsFile Load(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Parse(copy.ToArray(), sourceName);
    }

    public bool TryGetTensor(string name, [NotNullWhen(true)] out TensorInfo? tensor) => Header.TryGetTensor(name, out tensor);

    /// <exception cref="KeyNotFoundException">The file has no such tensor.</exception>
    public TensorInfo GetTensor(string name) =>
        Header.TryGetTensor(name, out var tensor)
            ? tensor
            : throw new KeyNotFoundException($"{FilePath ?? "safetensors data"}: no tensor named '{name}'.");

    /// <summary>The tensor's raw little-endian bytes, without copying.</summary>
    public ReadOnlySpan<byte> GetSpan(string name) => GetSpan(GetTensor(name));

    /// <summary>The tensor's raw little-endian bytes, without copying.</summary>
    /// <param name="tensor">An entry of this file's <see cref="Tensors"/>.</param>
    public ReadOnlySpan<byte> GetSpan(TensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Entries from another file could point past this mapping.
        if (!Header.TryGetTensor(tensor.Name, out var own) || !ReferenceEquals(own, tensor))
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' does not belong to {FilePath ?? "this file"}.", nameof(tensor));
        }
        if (tensor.ByteLength > int.MaxValue)
        {
            throw new NotSupportedException(
                $"{FilePath}: tensor '{tensor.Name}' is {tensor.ByteLength:N0} bytes, more than a span can address.");
        }
        var length = (int)tensor.ByteLength;
        return _bytes is not null
            ? _bytes.AsSpan(checked((int)(Header.DataStart + tensor.DataBegin)), length)
            : new ReadOnlySpan<byte>(_mappedData + tensor.DataBegin, length);
    }

    /// <summary>A copy of the tensor's raw little-endian bytes.</summary>
    public byte[] ReadBytes(string name) => GetSpan(name).ToArray();

    /// <summary>The tensor's elements converted to float32; the tensor must be F16, BF16, F32 or F64.</summary>
    public float[] ReadFloat32(string name)
    {
        var tensor = GetTensor(name);
        var values = new float[CheckFloatTensor(tensor)];
        FloatConversion.DecodeToFloat32(GetSpan(tensor), tensor.DType, values);
        return values;
    }

    /// <summary>Converts the tensor's elements to float32 into <paramref name="destination"/>, which must hold exactly ElementCount values.</summary>
    public void ReadFloat32(string name, Span<float> destination)
    {
        var tensor = GetTensor(name);
        var count = CheckFloatTensor(tensor);
        if (destination.Length != count)
        {
            throw new ArgumentException(
                $"Tensor '{name}' has {count} elements, destination holds {destination.Length}.", nameof(destination));
        }
        FloatConversion.DecodeToFloat32(GetSpan(tensor), tensor.DType, destination);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _map?.Dispose();
    }

    public override string ToString() => $"{FilePath ?? "safetensors data"} ({Tensors.Count} tensors)";

    private int CheckFloatTensor(TensorInfo tensor)
    {
        if (!tensor.DType.IsConvertibleToFloat32())
        {
            throw new NotSupportedException(
                $"{FilePath ?? "safetensors data"}: tensor '{tensor.Name}' is {tensor.DType.ToHeaderName()}; only F16, BF16, F32 and F64 convert to float32.");
        }
        if (tensor.ElementCount > Array.MaxLength)
        {
            throw new NotSupportedException(
                $"{FilePath}: tensor '{tensor.Name}' has {tensor.ElementCount:N0} elements, more than one array can hold.");
        }
        return (int)tensor.ElementCount;
    }
}
