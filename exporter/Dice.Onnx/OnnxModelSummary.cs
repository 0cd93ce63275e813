using Onnx;

namespace Dice.Onnx;

/// <summary>One graph input or output: name, element type and dims (numbers or symbolic names). An optional input
/// has a default value (an initializer of the same name).</summary>
public sealed record OnnxValueInfo(string Name, string ElementType, IReadOnlyList<string> Dims, bool Optional = false)
{
    public override string ToString() => $"{Name}: {ElementType}[{string.Join(", ", Dims)}]{(Optional ? " (optional)" : "")}";
}

/// <summary>
/// What an .onnx file holds, read from its protobuf alone (no runtime, no external weights loaded): graph inputs
/// and outputs, parameter count, opsets, metadata.
/// </summary>
public sealed record OnnxModelSummary(
    long IrVersion,
    IReadOnlyDictionary<string, long> Opsets,
    string Producer,
    IReadOnlyList<OnnxValueInfo> Inputs,
    IReadOnlyList<OnnxValueInfo> Outputs,
    long ParameterCount,
    int InitializerCount,
    bool UsesExternalData,
    IReadOnlyDictionary<string, string> Metadata)
{
    public static OnnxModelSummary Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no ONNX model at {path}", path);
        }
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{path} is not a valid ONNX model: {e.Message}", e);
        }
        try
        {
            return From(model);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path} is not a valid ONNX model: {e.Message}", e);
        }
    }

    /// <exception cref="InvalidDataException">The model lists a domain or metadata key twice, or an initializer's
    /// dims are negative or their product does not fit 64 bits.</exception>
    public static OnnxModelSummary From(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph ?? new GraphProto();
        var initializerNames = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var parameters = 0L;
        foreach (var initializer in graph.Initializer)
        {
            parameters = checked(parameters + ElementCount(initializer));
        }
        return new OnnxModelSummary(
            model.IrVersion,
            Unique(model.OpsetImport.Select(o => (o.Domain.Length == 0 ? "ai.onnx" : o.Domain, o.Version)), "opset domain"),
            string.Join(' ', new[] { model.ProducerName, model.ProducerVersion }.Where(s => s.Length > 0)),
            // Before IR 4 every initializer was also listed as an input; from IR 4 on, one that is listed is a default.
            graph.Input.Where(i => model.IrVersion >= 4 || !initializerNames.Contains(i.Name))
                .Select(i => Describe(i) with { Optional = initializerNames.Contains(i.Name) }).ToList(),
            graph.Output.Select(Describe).ToList(),
            parameters,
            graph.Initializer.Count,
            graph.Initializer.Any(i => i.DataLocation == TensorProto.Types.DataLocation.External),
            Unique(model.MetadataProps.Select(p => (p.Key, p.Value)), "metadata key"));
    }

    private static long ElementCount(TensorProto initializer)
    {
        try
        {
            return initializer.Dims.Aggregate(1L, (count, dim) => dim >= 0 ? checked(count * dim) : throw new OverflowException());
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"initializer '{initializer.Name}' has dims [{string.Join(", ", initializer.Dims)}], which are negative or too large");
        }
    }

    /// <summary>A domain imported twice, or a metadata key given twice, has no one meaning: the summary refuses it.</summary>
    private static Dictionary<string, TValue> Unique<TValue>(IEnumerable<(string Key, TValue Value)> entries, string what)
    {
        var dictionary = new Dictionary<string, TValue>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            if (!dictionary.TryAdd(key, value))
            {
                throw new InvalidDataException($"the model lists {what} '{key}' more than once");
            }
        }
        return dictionary;
    }

    private static OnnxValueInfo Describe(ValueInfoProto value)
    {
        var tensor = value.Type?.TensorType;
        if (tensor is null)
        {
            return new OnnxValueInfo(value.Name, "non-tensor", []);
        }
        var type = ((TensorProto.Types.DataType)tensor.ElemType).ToString().ToLowerInvariant();
        var dims = tensor.Shape?.Dim.Select(d => d.ValueCase switch
        {
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => d.DimParam,
            _ => "?",
        }).ToList() ?? [];
        return new OnnxValueInfo(value.Name, type, dims);
    }
}
