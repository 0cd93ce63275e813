using Google.Protobuf;
using Onnx;

namespace Dice.Onnx;

/// <summary>
/// Composes an ONNX model in code: graph inputs and outputs, initializers, nodes, opset imports and
/// metadata. Nodes must be added in topological order (every input defined before it is used), as ONNX
/// requires; the builder checks this, and that every name is defined once, as things are added.
/// </summary>
public sealed class OnnxGraphBuilder
{
    public const long DefaultOpsetVersion = 17;
    public const long DefaultIrVersion = 8;

    private readonly GraphProto _graph;
    private readonly HashSet<string> _definedValues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _opsets = new(StringComparer.Ordinal) { [""] = DefaultOpsetVersion };
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _nodeNameCounts = new(StringComparer.Ordinal);

    public OnnxGraphBuilder(string graphName = "main")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(graphName);
        _graph = new GraphProto { Name = graphName };
    }

    public long IrVersion { get; set; } = DefaultIrVersion;

    public string ProducerName { get; set; } = "dice";

    public string ProducerVersion { get; set; } = "";

    public string DocString { get; set; } = "";

    /// <summary>Adds a graph input. An empty shape is a scalar; a string dimension is symbolic.</summary>
    public OnnxGraphBuilder AddInput(string name, TensorProto.Types.DataType elementType, params TensorDimension[] shape)
    {
        Define(name);
        _graph.Input.Add(CreateValueInfo(name, elementType, shape));
        return this;
    }

    /// <summary>
    /// Adds an optional graph input: a caller may feed it, and otherwise <paramref name="defaultValue"/> (an
    /// initializer of the same name, as ONNX allows from IR 4) is used.
    /// </summary>
    public OnnxGraphBuilder AddOptionalInput(TensorProto defaultValue, params TensorDimension[] shape)
    {
        ArgumentNullException.ThrowIfNull(defaultValue);
        Define(defaultValue.Name);
        _graph.Input.Add(CreateValueInfo(defaultValue.Name, (TensorProto.Types.DataType)defaultValue.DataType, shape));
        _graph.Initializer.Add(defaultValue);
        return this;
    }

    /// <summary>Adds a graph output; the value must be defined (by an input, initializer or node) by <see cref="ToModel"/>.</summary>
    public OnnxGraphBuilder AddOutput(string name, TensorProto.Types.DataType elementType, params TensorDimension[] shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_graph.Output.Any(o => o.Name == name))
        {
            throw new ArgumentException($"Output '{name}' was already added.", nameof(name));
        }

        _graph.Output.Add(CreateValueInfo(name, elementType, shape));
        return this;
    }

    /// <summary>Adds a graph output of unknown shape (an If branch's result, whose shape may differ between branches).</summary>
    public OnnxGraphBuilder AddUnshapedOutput(string name, TensorProto.Types.DataType elementType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_graph.Output.Any(o => o.Name == name))
        {
            throw new ArgumentException($"Output '{name}' was already added.", nameof(name));
        }

        _graph.Output.Add(new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType } },
        });
        return this;
    }

    /// <summary>
    /// A builder for a subgraph (the body of an If) whose nodes may read every value this graph defines so far, as
    /// ONNX lets subgraphs read their outer scope. Build it with <see cref="ToGraph"/> and attach it with
    /// <see cref="OnnxAttribute.Graph"/>.
    /// </summary>
    public OnnxGraphBuilder CreateSubgraph(string graphName)
    {
        var subgraph = new OnnxGraphBuilder(graphName);
        subgraph._definedValues.UnionWith(_definedValues);
        return subgraph;
    }

    /// <summary>The graph alone (for a subgraph); its outputs must be defined.</summary>
    public GraphProto ToGraph() => ToModel().Graph;

    public OnnxGraphBuilder AddInitializer(string name, float[] values, params long[] shape) =>
        AddInitializer(OnnxTensor.Create(name, values, shape));

    public OnnxGraphBuilder AddInitializer(string name, Half[] values, params long[] shape) =>
        AddInitializer(OnnxTensor.Create(name, values, shape));

    public OnnxGraphBuilder AddInitializer(string name, long[] values, params long[] shape) =>
        AddInitializer(OnnxTensor.Create(name, values, shape));

    public OnnxGraphBuilder AddInitializer(string name, int[] values, params long[] shape) =>
        AddInitializer(OnnxTensor.Create(name, values, shape));

    /// <summary>Adds a ready-made tensor (any element type, or data stored outside the model) as an initializer.</summary>
    public OnnxGraphBuilder AddInitializer(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Define(tensor.Name);
        _graph.Initializer.Add(tensor);
        return this;
    }

    /// <summary>
    /// Adds a node. An empty string in <paramref name="inputs"/> or <paramref name="outputs"/> marks an
    /// optional value left out. Without a name the node is called "{opType}_{n}".
    /// </summary>
    public NodeProto AddNode(
        string opType,
        IEnumerable<string> inputs,
        IEnumerable<string> outputs,
        IEnumerable<AttributeProto>? attributes = null,
        string? name = null,
        string domain = "")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(domain);

        var node = new NodeProto { OpType = opType, Domain = domain, Name = name ?? NextNodeName(opType) };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        if (attributes is not null)
        {
            node.Attribute.AddRange(attributes);
        }

        foreach (string input in node.Input)
        {
            if (input.Length > 0 && !_definedValues.Contains(input))
            {
                throw new ArgumentException(
                    $"Node '{node.Name}' ({opType}) reads '{input}', which no input, initializer or earlier node defines.",
                    nameof(inputs));
            }
        }

        if (node.Output.Count == 0)
        {
            throw new ArgumentException($"Node '{node.Name}' ({opType}) has no outputs.", nameof(outputs));
        }

        var definedOutputs = node.Output.Where(o => o.Length > 0).ToList();
        foreach (string output in definedOutputs)
        {
            if (_definedValues.Contains(output) || definedOutputs.Count(o => o == output) > 1)
            {
                throw new ArgumentException($"Node '{node.Name}' ({opType}) writes '{output}', which is already defined.", nameof(outputs));
            }
        }

        // Only now that the node is known to be valid does the builder change.
        _definedValues.UnionWith(definedOutputs);

        if (domain.Length > 0 && !_opsets.ContainsKey(domain))
        {
            _opsets[domain] = 1;
        }

        _graph.Node.Add(node);
        return node;
    }

    /// <summary>Sets the opset version imported for a domain ("" is the default ONNX domain).</summary>
    public OnnxGraphBuilder SetOpset(long version, string domain = "")
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(version);
        _opsets[domain] = version;
        return this;
    }

    /// <summary>Sets a model metadata property (metadata_props); a second call with the same key replaces the value.</summary>
    public OnnxGraphBuilder SetMetadata(string key, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(value);
        _metadata[key] = value;
        return this;
    }

    /// <summary>Builds a new model from what has been added so far; later changes to the builder do not affect it.</summary>
    public ModelProto ToModel()
    {
        foreach (ValueInfoProto output in _graph.Output)
        {
            if (!_definedValues.Contains(output.Name))
            {
                throw new InvalidOperationException($"Graph output '{output.Name}' is not produced by any input, initializer or node.");
            }
        }

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            Graph = _graph.Clone(),
        };
        if (ProducerVersion.Length > 0)
        {
            model.ProducerVersion = ProducerVersion;
        }

        if (DocString.Length > 0)
        {
            model.DocString = DocString;
        }

        foreach ((string domain, long version) in _opsets)
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
        }

        foreach ((string key, string value) in _metadata)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model;
    }

    public byte[] ToBytes() => ToModel().ToByteArray();

    /// <summary>Writes the model to <paramref name="path"/> atomically: a temporary file beside it, then a rename.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);

        byte[] bytes = ToBytes();
        string temporaryPath = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temporaryPath, bytes);
            File.Move(temporaryPath, fullPath, overwrite: true);
        }
        finally
        {
            File.Delete(temporaryPath);
        }
    }

    private void Define(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_definedValues.Add(name))
        {
            throw new ArgumentException($"Value '{name}' is already defined in graph '{_graph.Name}'.", nameof(name));
        }
    }

    private string NextNodeName(string opType)
    {
        _nodeNameCounts.TryGetValue(opType, out int count);
        _nodeNameCounts[opType] = count + 1;
        return $"{opType}_{count}";
    }

    private static ValueInfoProto CreateValueInfo(string name, TensorProto.Types.DataType elementType, TensorDimension[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (elementType == TensorProto.Types.DataType.Undefined)
        {
            throw new ArgumentException($"Value '{name}' needs an element type.", nameof(elementType));
        }

        var tensorShape = new TensorShapeProto();
        foreach (TensorDimension dimension in shape)
        {
            var dim = new TensorShapeProto.Types.Dimension();
            if (dimension.Symbol is { } symbol)
            {
                dim.DimParam = symbol;
            }
            else if (dimension.Size is { } size)
            {
                dim.DimValue = size;
            }

            tensorShape.Dim.Add(dim);
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType, Shape = tensorShape } },
        };
    }
}
