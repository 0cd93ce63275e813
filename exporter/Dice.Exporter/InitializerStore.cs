using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using Dice.Core.IO;

namespace Dice.Exporter;

/// <summary>
/// Holds an export's initializers. Small tensors stay in the graph; larger ones are written as they arrive to
/// a data file (the future model.onnx_data) and referenced as external data, so memory holds one parameter at
/// a time. At the end they are either left there or read back into the graph (<see cref="Embed"/>).
/// </summary>
internal sealed class InitializerStore : IDisposable
{
    /// <summary>By default, tensors below this size stay in the graph even when the rest is external.</summary>
    public const int InlineBytes = 1024;

    /// <summary>The <see cref="FaultInjection"/> point after each tensor appended to the external data file.</summary>
    public const string ExternalDataKillPoint = "onnx.external-data-written";

    /// <summary>Page-aligned offsets let ONNX Runtime map the data file straight into memory.</summary>
    public const int Alignment = 4096;

    private readonly FileStream data;
    private readonly string dataFileName;
    private readonly int inlineBytes;

    public InitializerStore(string dataPath, int inlineBytes = InlineBytes)
    {
        DataPath = dataPath;
        this.inlineBytes = inlineBytes;
        dataFileName = Path.GetFileName(dataPath);
        data = new FileStream(dataPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20);
    }

    public string DataPath { get; }

    /// <summary>Bytes of every initializer, inline or external.</summary>
    public long TotalBytes { get; private set; }

    public long ExternalBytes { get; private set; }

    public TensorProto Add(string name, ReadOnlySpan<float> values, long[] shape, TensorProto.Types.DataType type)
    {
        switch (type)
        {
            case TensorProto.Types.DataType.Float:
                return Add(name, MemoryMarshal.AsBytes(values), shape, type);
            case TensorProto.Types.DataType.Float16:
                var buffer = ArrayPool<Half>.Shared.Rent(values.Length);
                try
                {
                    var halves = buffer.AsSpan(0, values.Length);
                    for (var i = 0; i < values.Length; i++)
                    {
                        halves[i] = (Half)values[i];
                    }
                    return Add(name, MemoryMarshal.AsBytes((ReadOnlySpan<Half>)halves), shape, type);
                }
                finally
                {
                    ArrayPool<Half>.Shared.Return(buffer);
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "initializers hold float32 or float16 values");
        }
    }

    public TensorProto Add(string name, ReadOnlySpan<byte> bytes, long[] shape, TensorProto.Types.DataType type)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type };
        tensor.Dims.AddRange(shape);
        TotalBytes += bytes.Length;
        if (bytes.Length == 0 || bytes.Length < inlineBytes)
        {
            tensor.RawData = ByteString.CopyFrom(bytes);
            return tensor;
        }

        var offset = (data.Position + Alignment - 1) / Alignment * Alignment;
        while (data.Position < offset)
        {
            data.WriteByte(0);
        }
        data.Write(bytes);
        FaultInjection.Reached(ExternalDataKillPoint);
        ExternalBytes += bytes.Length;
        tensor.DataLocation = TensorProto.Types.DataLocation.External;
        tensor.ExternalData.Add(Entry("location", dataFileName));
        tensor.ExternalData.Add(Entry("offset", offset.ToString(CultureInfo.InvariantCulture)));
        tensor.ExternalData.Add(Entry("length", bytes.Length.ToString(CultureInfo.InvariantCulture)));
        return tensor;
    }

    /// <summary>Flushes the data file so that it is complete on disk.</summary>
    public void Flush() => data.Flush(flushToDisk: true);

    /// <summary>Moves every external initializer of <paramref name="graph"/> back inline; the data file is then unused.</summary>
    public void Embed(GraphProto graph)
    {
        data.Flush();
        foreach (var tensor in graph.Initializer)
        {
            if (tensor.DataLocation != TensorProto.Types.DataLocation.External)
            {
                continue;
            }
            var offset = long.Parse(Value(tensor, "offset"), CultureInfo.InvariantCulture);
            var length = int.Parse(Value(tensor, "length"), CultureInfo.InvariantCulture);
            var bytes = new byte[length];
            data.Position = offset;
            data.ReadExactly(bytes);
            tensor.ExternalData.Clear();
            tensor.ClearDataLocation();
            tensor.RawData = UnsafeByteOperations.UnsafeWrap(bytes);
        }
    }

    public void Dispose() => data.Dispose();

    private static StringStringEntryProto Entry(string key, string value) => new() { Key = key, Value = value };

    private static string Value(TensorProto tensor, string key) => tensor.ExternalData.Single(e => e.Key == key).Value;
}
