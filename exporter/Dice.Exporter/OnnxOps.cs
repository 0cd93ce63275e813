using System.Buffers;
using System.Globalization;
using Dice.Models;
using Dice.Onnx;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Dice.Exporter;

/// <summary>
/// The ONNX backend of the model definitions: each operation appends ONNX nodes (opset 17) to a graph instead
/// of computing anything, so running a model's Forward on graph inputs records the whole graph. Parameters
/// become initializers named by their state-dict names, with values from an <see cref="IWeightSource"/>.
/// Shapes are tracked as far as they are known at export time, to check the model and to fold what is
/// static into constants; everything else (batch, sequence, height, width) is read at run time.
/// </summary>
public sealed class OnnxOps : ITensorOps<OnnxValue>
{
    private readonly OnnxGraphBuilder graph;
    private readonly InitializerStore store;
    private readonly IWeightSource weights;
    private readonly IProgress<ParameterSpec>? progress;
    private readonly List<ParameterSpec> parameters = [];
    private readonly HashSet<string> parameterNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OnnxValue> constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OnnxValue> derived = new(StringComparer.Ordinal);
    private int valueCount;

    internal OnnxOps(OnnxGraphBuilder graph, InitializerStore store, IWeightSource weights, OnnxPrecision precision,
        IProgress<ParameterSpec>? progress)
    {
        this.graph = graph;
        this.store = store;
        this.weights = weights;
        this.progress = progress;
        ComputeType = precision switch
        {
            OnnxPrecision.Float32 => DataType.Float,
            OnnxPrecision.Float16 => DataType.Float16,
            _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "unknown precision"),
        };
    }

    /// <summary>The floating type the graph computes in (float32 or float16).</summary>
    public DataType ComputeType { get; }

    /// <summary>The parameters declared so far, in declaration order.</summary>
    public IReadOnlyList<ParameterSpec> Parameters => parameters;

    // ----- graph inputs and outputs ----------------------------------------------------------------------

    internal OnnxValue Input(OnnxTensorSpec spec)
    {
        var type = spec.ResolveElementType(ComputeType);
        graph.AddInput(spec.Name, type, [.. spec.Shape]);
        return new OnnxValue(spec.Name, type, spec.Shape.Select(d => d.Size).ToArray());
    }

    internal void Output(OnnxValue value, OnnxTensorSpec spec)
    {
        var type = spec.ResolveElementType(ComputeType);
        if (value.ElementType != type)
        {
            throw new InvalidOperationException($"output '{spec.Name}' should be {type}; the model computes {value}");
        }
        if (value.Rank != spec.Shape.Count)
        {
            throw new InvalidOperationException($"output '{spec.Name}' should have rank {spec.Shape.Count}; the model computes {value}");
        }
        for (var i = 0; i < value.Rank; i++)
        {
            if (spec.Shape[i].Size is { } size && value.Shape[i] is { } known && size != known)
            {
                throw new InvalidOperationException($"output '{spec.Name}' dim {i} should be {size}; the model computes {value}");
            }
        }
        graph.AddNode("Identity", [value.Name], [spec.Name]);
        graph.AddOutput(spec.Name, type, [.. spec.Shape]);
    }

    // ----- parameters and constants ----------------------------------------------------------------------

    public OnnxValue Parameter(string name, long[] shape, ParameterInit init)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (!parameterNames.Add(name))
        {
            throw new InvalidOperationException($"the model declares parameter '{name}' twice");
        }
        var spec = new ParameterSpec(name, shape.ToArray(), init);
        var count = CheckedCount(name, shape);
        var buffer = ArrayPool<float>.Shared.Rent(count);
        try
        {
            var values = buffer.AsSpan(0, count);
            weights.Read(spec, values);
            graph.AddInitializer(store.Add(name, values, shape, ComputeType));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
        parameters.Add(spec);
        progress?.Report(spec);
        return new OnnxValue(name, ComputeType, Known(shape));
    }

    public OnnxValue Constant(float[] values, long[] shape) => Constant(values, shape, ComputeType);

    public OnnxValue ConstantFloat32(float[] values, long[] shape) => Constant(values, shape, DataType.Float);

    private OnnxValue Constant(float[] values, long[] shape, DataType type)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(shape);
        var name = NextName("const");
        if (CheckedCount(name, shape) != values.Length)
        {
            throw new ArgumentException($"a constant of shape [{string.Join(", ", shape)}] needs {CheckedCount(name, shape)} values, not {values.Length}");
        }
        graph.AddInitializer(store.Add(name, values, shape, type));
        return new OnnxValue(name, type, Known(shape));
    }

    // ----- layers ----------------------------------------------------------------------------------------

    public OnnxValue Linear(OnnxValue input, OnnxValue weight, OnnxValue? bias)
    {
        RequireFloat(input, "Linear");
        RequireRank(weight, 2, "Linear weight");
        SameType(input, weight, "Linear");
        if (input.Rank < 1)
        {
            throw new ArgumentException($"Linear needs an input of rank ≥ 1, not {input}");
        }
        CheckDim(input.Shape[^1], weight.Shape[1], $"Linear: input {input} does not match weight {weight}");
        var transposed = Derived("T", weight, () => Transpose(weight, 1, 0));
        long?[] shape = [.. input.Shape.Take(input.Rank - 1), weight.Shape[0]];
        var output = Node("MatMul", [input.Name, transposed.Name], input.ElementType, shape);
        return bias is null ? output : Add(output, bias);
    }

    public OnnxValue Conv2d(OnnxValue input, OnnxValue weight, OnnxValue? bias, int stride, int padding)
    {
        RequireFloat(input, "Conv2d");
        RequireRank(input, 4, "Conv2d input");
        RequireRank(weight, 4, "Conv2d weight");
        SameType(input, weight, "Conv2d");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        CheckDim(input.Shape[1], weight.Shape[1], $"Conv2d: input {input} does not match weight {weight}");
        var attributes = new List<AttributeProto>
        {
            OnnxAttribute.Ints("strides", stride, stride),
            OnnxAttribute.Ints("pads", padding, padding, padding, padding),
            OnnxAttribute.Ints("dilations", 1, 1),
            OnnxAttribute.Int("group", 1),
        };
        if (weight.Shape[2] is { } kh && weight.Shape[3] is { } kw)
        {
            attributes.Add(OnnxAttribute.Ints("kernel_shape", kh, kw));
        }
        long?[] shape =
        [
            input.Shape[0], weight.Shape[0],
            ConvSize(input.Shape[2], weight.Shape[2], stride, padding),
            ConvSize(input.Shape[3], weight.Shape[3], stride, padding),
        ];
        string[] inputs = bias is null ? [input.Name, weight.Name] : [input.Name, weight.Name, bias.Name];
        return Node("Conv", inputs, input.ElementType, shape, [.. attributes]);
    }

    /// <summary>
    /// Reshape to [N, G, -1], InstanceNormalization (unit scale, zero bias) per group, back to the input's shape,
    /// then the per-channel affine: exact group normalisation in opset-17 operators.
    /// </summary>
    public OnnxValue GroupNorm(OnnxValue input, int groups, OnnxValue weight, OnnxValue bias, double eps)
    {
        RequireFloat(input, "GroupNorm");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(groups);
        if (input.Rank < 3)
        {
            throw new ArgumentException($"GroupNorm needs an N, C, … input of rank ≥ 3, not {input}");
        }
        RequireRank(weight, 1, "GroupNorm weight");
        RequireRank(bias, 1, "GroupNorm bias");
        CheckDim(input.Shape[1], weight.Shape[0], $"GroupNorm: input {input} does not match weight {weight}");
        if (input.Shape[1] is { } channels && channels % groups != 0)
        {
            throw new ArgumentException($"GroupNorm: {channels} channels do not split into {groups} groups");
        }
        var grouped = Reshape(input, 0, groups, -1);
        var ones = Filled(1, groups);
        var zeros = Filled(0, groups);
        var normalised = Node("InstanceNormalization", [grouped.Name, ones.Name, zeros.Name], input.ElementType, grouped.Shape,
            OnnxAttribute.Float("epsilon", (float)eps));
        var restored = ReshapeLike(normalised, input);
        long[] channelShape = [-1, .. Enumerable.Repeat(1L, input.Rank - 2)];
        var scale = Derived($"channels{input.Rank}", weight, () => Reshape(weight, channelShape));
        var shift = Derived($"channels{input.Rank}", bias, () => Reshape(bias, channelShape));
        return Add(Mul(restored, scale), shift);
    }

    public OnnxValue LayerNorm(OnnxValue input, OnnxValue weight, OnnxValue bias, double eps)
    {
        RequireFloat(input, "LayerNorm");
        RequireRank(weight, 1, "LayerNorm weight");
        RequireRank(bias, 1, "LayerNorm bias");
        if (input.Rank < 1)
        {
            throw new ArgumentException($"LayerNorm needs an input of rank ≥ 1, not {input}");
        }
        CheckDim(input.Shape[^1], weight.Shape[0], $"LayerNorm: input {input} does not match weight {weight}");
        return Node("LayerNormalization", [input.Name, weight.Name, bias.Name], input.ElementType, input.Shape,
            OnnxAttribute.Int("axis", -1), OnnxAttribute.Float("epsilon", (float)eps));
    }

    public OnnxValue Embedding(OnnxValue weight, OnnxValue ids)
    {
        RequireRank(weight, 2, "Embedding weight");
        RequireInteger(ids, "Embedding ids");
        return Node("Gather", [weight.Name, ids.Name], weight.ElementType, [.. ids.Shape, weight.Shape[1]],
            OnnxAttribute.Int("axis", 0));
    }

    // ----- elementwise -----------------------------------------------------------------------------------

    public OnnxValue Add(OnnxValue a, OnnxValue b) => Binary("Add", a, b);

    public OnnxValue Sub(OnnxValue a, OnnxValue b) => Binary("Sub", a, b);

    public OnnxValue Mul(OnnxValue a, OnnxValue b) => Binary("Mul", a, b);

    public OnnxValue Scale(OnnxValue input, double factor)
    {
        RequireFloat(input, "Scale");
        return Mul(input, Scalar(factor, input.ElementType));
    }

    public OnnxValue Silu(OnnxValue input) => Mul(input, Unary("Sigmoid", input));

    /// <summary>0.5·x·(1 + erf(x/√2)), the form ONNX Runtime fuses into one Gelu kernel.</summary>
    public OnnxValue Gelu(OnnxValue input)
    {
        RequireFloat(input, "Gelu");
        var erf = Unary("Erf", Binary("Div", input, Scalar(Math.Sqrt(2), input.ElementType)));
        return Mul(Mul(input, Add(erf, Scalar(1, input.ElementType))), Scalar(0.5, input.ElementType));
    }

    public OnnxValue QuickGelu(OnnxValue input) => Mul(input, Unary("Sigmoid", Scale(input, 1.702)));

    public OnnxValue Relu(OnnxValue input) => Unary("Relu", input);

    public OnnxValue Sin(OnnxValue input) => Unary("Sin", input);

    public OnnxValue Cos(OnnxValue input) => Unary("Cos", input);

    // ----- attention -------------------------------------------------------------------------------------

    /// <summary>
    /// softmax(q·kᵀ/√D [+ causal mask])·v. The 1/√D is applied to q before the product, which keeps float16
    /// scores in range; the causal mask adds the type's most negative finite value above the diagonal.
    /// </summary>
    public OnnxValue Attention(OnnxValue query, OnnxValue key, OnnxValue value, bool causal)
    {
        RequireFloat(query, "Attention");
        SameType(query, key, "Attention");
        SameType(query, value, "Attention");
        if (query.Rank < 2 || key.Rank != query.Rank || value.Rank != query.Rank)
        {
            throw new ArgumentException($"Attention needs q, k, v of one rank ≥ 2: {query}, {key}, {value}");
        }
        CheckDim(query.Shape[^1], key.Shape[^1], $"Attention: query {query} and key {key} differ in head size");
        CheckDim(key.Shape[^2], value.Shape[^2], $"Attention: key {key} and value {value} differ in length");

        OnnxValue scaled;
        if (query.Shape[^1] is { } headDim)
        {
            scaled = Scale(query, 1 / Math.Sqrt(headDim));
        }
        else
        {
            var size = Node("Cast", [ShapeOf(query, -1).Name], query.ElementType, [1], OnnxAttribute.Int("to", (long)query.ElementType));
            scaled = Mul(query, Unary("Reciprocal", Unary("Sqrt", size)));
        }
        var rank = query.Rank;
        var keyT = Transpose(key, [.. Enumerable.Range(0, rank - 2), rank - 1, rank - 2]);
        var batch = BroadcastShape(query.Shape.Take(rank - 2).ToArray(), key.Shape.Take(rank - 2).ToArray(), "Attention");
        var scores = Node("MatMul", [scaled.Name, keyT.Name], query.ElementType, [.. batch, query.Shape[^2], key.Shape[^2]]);
        if (causal)
        {
            scores = Add(scores, CausalMask(scores));
        }
        var probabilities = Node("Softmax", [scores.Name], scores.ElementType, scores.Shape, OnnxAttribute.Int("axis", -1));
        batch = BroadcastShape(batch, value.Shape.Take(rank - 2).ToArray(), "Attention");
        return Node("MatMul", [probabilities.Name, value.Name], query.ElementType, [.. batch, query.Shape[^2], value.Shape[^1]]);
    }

    // ----- shapes ----------------------------------------------------------------------------------------

    public OnnxValue Reshape(OnnxValue input, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Count(d => d == -1) > 1 || shape.Any(d => d < -1))
        {
            throw new ArgumentException($"Reshape of {input} to [{string.Join(", ", shape)}]: at most one -1 and no other negative size");
        }
        var output = new long?[shape.Length];
        for (var i = 0; i < shape.Length; i++)
        {
            output[i] = shape[i] switch
            {
                > 0 => shape[i],
                0 when i < input.Rank => input.Shape[i],
                0 => throw new ArgumentException($"Reshape of {input} to [{string.Join(", ", shape)}]: 0 at {i} copies no input dim"),
                _ => null,
            };
        }
        var inferred = Array.IndexOf(shape, -1L);
        if (inferred >= 0 && input.Shape.All(d => d.HasValue) && output.Where((_, i) => i != inferred).All(d => d.HasValue))
        {
            var total = input.Shape.Aggregate(1L, (a, d) => a * d!.Value);
            var rest = output.Where((_, i) => i != inferred).Aggregate(1L, (a, d) => a * d!.Value);
            if (rest == 0 || total % rest != 0)
            {
                throw new ArgumentException($"Reshape of {input} to [{string.Join(", ", shape)}]: the sizes do not divide");
            }
            output[inferred] = total / rest;
        }
        return Node("Reshape", [input.Name, Int64s(shape).Name], input.ElementType, output);
    }

    public OnnxValue ReshapeLike(OnnxValue input, OnnxValue like)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(like);
        return Node("Reshape", [input.Name, ShapeOf(like).Name], input.ElementType, like.Shape);
    }

    public OnnxValue Transpose(OnnxValue input, params int[] permutation)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(permutation);
        if (permutation.Length != input.Rank || !permutation.Order().SequenceEqual(Enumerable.Range(0, input.Rank)))
        {
            throw new ArgumentException($"Transpose of {input}: [{string.Join(", ", permutation)}] is not a permutation of its dims");
        }
        return Node("Transpose", [input.Name], input.ElementType, permutation.Select(p => input.Shape[p]).ToArray(),
            OnnxAttribute.Ints("perm", [.. permutation.Select(p => (long)p)]));
    }

    public OnnxValue Unsqueeze(OnnxValue input, int axis)
    {
        ArgumentNullException.ThrowIfNull(input);
        var normalised = NormaliseAxis(axis, input.Rank + 1, "Unsqueeze");
        var shape = input.Shape.ToList();
        shape.Insert(normalised, 1);
        return Node("Unsqueeze", [input.Name, Int64s(normalised).Name], input.ElementType, [.. shape]);
    }

    public OnnxValue Concat(IReadOnlyList<OnnxValue> parts, int axis)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            throw new ArgumentException("Concat needs at least one part");
        }
        var first = parts[0];
        var normalised = NormaliseAxis(axis, first.Rank, "Concat");
        var shape = first.Shape.ToArray();
        foreach (var part in parts.Skip(1))
        {
            SameType(first, part, "Concat");
            if (part.Rank != first.Rank)
            {
                throw new ArgumentException($"Concat: {part} and {first} differ in rank");
            }
            for (var i = 0; i < shape.Length; i++)
            {
                if (i == normalised)
                {
                    shape[i] = shape[i] + part.Shape[i];
                }
                else
                {
                    CheckDim(shape[i], part.Shape[i], $"Concat along {axis}: {part} does not match {first}");
                    shape[i] ??= part.Shape[i];
                }
            }
        }
        return Node("Concat", [.. parts.Select(p => p.Name)], first.ElementType, shape, OnnxAttribute.Int("axis", normalised));
    }

    public IReadOnlyList<OnnxValue> Chunk(OnnxValue input, int chunks, int axis)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunks);
        var normalised = NormaliseAxis(axis, input.Rank, "Chunk");
        var shape = input.Shape.ToArray();
        if (shape[normalised] is { } size)
        {
            if (size % chunks != 0)
            {
                throw new ArgumentException($"Chunk: dim {axis} of {input} does not split into {chunks} equal pieces");
            }
            shape[normalised] = size / chunks;
        }
        var names = Enumerable.Range(0, chunks).Select(_ => NextName("Split")).ToArray();
        graph.AddNode("Split", [input.Name], names, [OnnxAttribute.Int("axis", normalised)]);
        return names.Select(n => new OnnxValue(n, input.ElementType, shape)).ToArray();
    }

    public OnnxValue Pad2d(OnnxValue input, int left, int right, int top, int bottom)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 2)
        {
            throw new ArgumentException($"Pad2d needs an input of rank ≥ 2, not {input}");
        }
        var leading = Enumerable.Repeat(0L, input.Rank - 2).ToArray();
        long[] pads = [.. leading, top, left, .. leading, bottom, right];
        var shape = input.Shape.ToArray();
        shape[^2] += top + bottom;
        shape[^1] += left + right;
        return Node("Pad", [input.Name, Int64s(pads).Name], input.ElementType, shape, OnnxAttribute.String("mode", "constant"));
    }

    /// <summary>Resize with "asymmetric" coordinates and floor rounding: output pixel i reads input pixel ⌊i/2⌋.</summary>
    public OnnxValue UpsampleNearest2x(OnnxValue input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 3)
        {
            throw new ArgumentException($"UpsampleNearest2x needs an N, C, H, W input, not {input}");
        }
        float[] scales = [.. Enumerable.Repeat(1f, input.Rank - 2), 2f, 2f];
        var shape = input.Shape.ToArray();
        shape[^2] *= 2;
        shape[^1] *= 2;
        return Node("Resize", [input.Name, "", Float32s(scales).Name], input.ElementType, shape,
            OnnxAttribute.String("mode", "nearest"),
            OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"),
            OnnxAttribute.String("nearest_mode", "floor"));
    }

    public OnnxValue LeadingRows(OnnxValue table, OnnxValue like, int axis)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(like);
        if (table.Rank < 1)
        {
            throw new ArgumentException($"LeadingRows needs a table of rank ≥ 1, not {table}");
        }
        var normalised = NormaliseAxis(axis, like.Rank, "LeadingRows");
        var length = ShapeOf(like, normalised, normalised + 1);
        var shape = table.Shape.ToArray();
        shape[0] = like.Shape[normalised];
        return Node("Slice", [table.Name, Int64s(0).Name, length.Name, Int64s(0).Name], table.ElementType, shape);
    }

    public OnnxValue ExpandToBatch(OnnxValue input, OnnxValue like)
    {
        RequireRank(input, 1, "ExpandToBatch input");
        ArgumentNullException.ThrowIfNull(like);
        if (like.Rank < 1)
        {
            throw new ArgumentException($"ExpandToBatch needs a batched tensor to follow, not {like}");
        }
        return Node("Expand", [input.Name, ShapeOf(like, 0, 1).Name], input.ElementType, [like.Shape[0]]);
    }

    /// <summary>ArgMax over the sequence (first maximum, as torch.argmax), then GatherND with one batch dim.</summary>
    public OnnxValue PoolAtArgmax(OnnxValue hidden, OnnxValue ids)
    {
        RequireRank(hidden, 3, "PoolAtArgmax hidden");
        RequireRank(ids, 2, "PoolAtArgmax ids");
        RequireInteger(ids, "PoolAtArgmax ids");
        var positions = Node("ArgMax", [ids.Name], DataType.Int64, [ids.Shape[0], 1],
            OnnxAttribute.Int("axis", -1), OnnxAttribute.Int("keepdims", 1), OnnxAttribute.Int("select_last_index", 0));
        return Node("GatherND", [hidden.Name, positions.Name], hidden.ElementType, [hidden.Shape[0] ?? ids.Shape[0], hidden.Shape[2]],
            OnnxAttribute.Int("batch_dims", 1));
    }

    public OnnxValue ToComputeType(OnnxValue input) => CastTo(input, ComputeType);

    public OnnxValue ToFloat32(OnnxValue input) => CastTo(input, DataType.Float);

    private OnnxValue CastTo(OnnxValue input, DataType type)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.ElementType == type
            ? input
            : Node("Cast", [input.Name], type, input.Shape, OnnxAttribute.Int("to", (long)type));
    }

    // ----- helpers ---------------------------------------------------------------------------------------

    private OnnxValue Node(string opType, string[] inputs, DataType type, IReadOnlyList<long?> shape, params AttributeProto[] attributes)
    {
        var name = NextName(opType);
        graph.AddNode(opType, inputs, [name], attributes);
        return new OnnxValue(name, type, shape);
    }

    private OnnxValue Unary(string opType, OnnxValue input)
    {
        RequireFloat(input, opType);
        return Node(opType, [input.Name], input.ElementType, input.Shape);
    }

    private OnnxValue Binary(string opType, OnnxValue a, OnnxValue b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        SameType(a, b, opType);
        return Node(opType, [a.Name, b.Name], a.ElementType, BroadcastShape(a.Shape, b.Shape, opType));
    }

    /// <summary>0 on and below the diagonal of the last two dims of <paramref name="scores"/>, the most negative
    /// finite value of the compute type above it (so that masked scores never become inf − inf).</summary>
    private OnnxValue CausalMask(OnnxValue scores)
    {
        var type = scores.ElementType;
        var blocked = type == DataType.Float16 ? (float)Half.MinValue : float.MinValue;
        var size = ShapeOf(scores, -2);
        long?[] shape = [scores.Shape[^2], scores.Shape[^1]];
        var filled = Node("ConstantOfShape", [size.Name], DataType.Float, shape,
            OnnxAttribute.Tensor("value", OnnxTensor.Create("value", [blocked], 1)));
        var mask = Node("Trilu", [filled.Name, Int64Scalar(1).Name], DataType.Float, shape, OnnxAttribute.Int("upper", 1));
        return type == DataType.Float ? mask : Node("Cast", [mask.Name], type, shape, OnnxAttribute.Int("to", (long)type));
    }

    /// <summary>The runtime shape of <paramref name="input"/>, or the dims from <paramref name="start"/> (to <paramref name="end"/>).</summary>
    private OnnxValue ShapeOf(OnnxValue input, int start = 0, int? end = null)
    {
        var from = start < 0 ? start + input.Rank : start;
        var to = end ?? input.Rank;
        var attributes = new List<AttributeProto>();
        if (start != 0)
        {
            attributes.Add(OnnxAttribute.Int("start", start));
        }
        if (end is { } last)
        {
            attributes.Add(OnnxAttribute.Int("end", last));
        }
        return Node("Shape", [input.Name], DataType.Int64, [to - from], [.. attributes]);
    }

    /// <summary>A value computed once from a parameter (its transpose, say) and reused wherever the parameter is.</summary>
    private OnnxValue Derived(string kind, OnnxValue source, Func<OnnxValue> create)
    {
        var key = kind + "\n" + source.Name;
        if (!derived.TryGetValue(key, out var value))
        {
            value = create();
            derived[key] = value;
        }
        return value;
    }

    private OnnxValue Int64s(params long[] values) =>
        CachedConstant("i64:" + string.Join(",", values), name => OnnxTensor.Create(name, values, values.Length),
            DataType.Int64, [values.Length]);

    private OnnxValue Int64Scalar(long value) =>
        CachedConstant("i64s:" + value.ToString(CultureInfo.InvariantCulture), name => OnnxTensor.Create(name, new[] { value }),
            DataType.Int64, []);

    private OnnxValue Float32s(float[] values) =>
        CachedConstant("f32:" + string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))),
            name => OnnxTensor.Create(name, values, values.Length), DataType.Float, [values.Length]);

    private OnnxValue Scalar(double value, DataType type)
    {
        var key = $"s:{type}:{value.ToString("R", CultureInfo.InvariantCulture)}";
        return CachedConstant(key, name => ScalarTensor(name, value, type), type, []);
    }

    /// <summary>A [length] tensor of <paramref name="value"/> in the compute type.</summary>
    private OnnxValue Filled(float value, long length)
    {
        var key = $"fill:{ComputeType}:{value.ToString("R", CultureInfo.InvariantCulture)}:{length}";
        return CachedConstant(key, name => store.Add(name, Enumerable.Repeat(value, checked((int)length)).ToArray(), [length], ComputeType),
            ComputeType, [length]);
    }

    private OnnxValue CachedConstant(string key, Func<string, TensorProto> create, DataType type, long?[] shape)
    {
        if (!constants.TryGetValue(key, out var value))
        {
            var name = NextName("const");
            graph.AddInitializer(create(name));
            value = new OnnxValue(name, type, shape);
            constants[key] = value;
        }
        return value;
    }

    private static TensorProto ScalarTensor(string name, double value, DataType type) => type switch
    {
        DataType.Float => OnnxTensor.Create(name, [(float)value]),
        DataType.Float16 => OnnxTensor.Create(name, [(Half)value]),
        DataType.Double => DoubleScalar(name, value),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "scalars are floating point"),
    };

    private static TensorProto DoubleScalar(string name, double value)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Double };
        tensor.DoubleData.Add(value);
        return tensor;
    }

    private string NextName(string kind) => $"/{kind}_{valueCount++}";

    private static long?[] Known(long[] shape) => shape.Select(d => (long?)d).ToArray();

    private static int CheckedCount(string name, long[] shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"'{name}' has a negative dim in [{string.Join(", ", shape)}]");
            }
            count *= dim;
            if (count > Array.MaxLength)
            {
                throw new ArgumentException($"'{name}' [{string.Join(", ", shape)}] is too large for one tensor");
            }
        }
        return (int)count;
    }

    private static long? ConvSize(long? size, long? kernel, int stride, int padding) =>
        size is { } s && kernel is { } k ? ((s + (2 * padding) - k) / stride) + 1 : null;

    private static long?[] BroadcastShape(IReadOnlyList<long?> a, IReadOnlyList<long?> b, string op)
    {
        var rank = Math.Max(a.Count, b.Count);
        var shape = new long?[rank];
        for (var i = 1; i <= rank; i++)
        {
            long? x = i <= a.Count ? a[^i] : 1;
            long? y = i <= b.Count ? b[^i] : 1;
            shape[^i] = (x, y) switch
            {
                (1, _) => y,
                (_, 1) => x,
                ({ } p, { } q) when p != q => throw new ArgumentException(
                    $"{op}: shapes [{string.Join(", ", a)}] and [{string.Join(", ", b)}] do not broadcast"),
                (null, _) => y,
                _ => x,
            };
        }
        return shape;
    }

    private static int NormaliseAxis(int axis, int rank, string op)
    {
        var normalised = axis < 0 ? axis + rank : axis;
        if (normalised < 0 || normalised >= rank)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"{op}: no axis {axis} in rank {rank}");
        }
        return normalised;
    }

    private static void CheckDim(long? a, long? b, string message)
    {
        if (a is { } x && b is { } y && x != y)
        {
            throw new ArgumentException(message);
        }
    }

    private static void RequireRank(OnnxValue value, int rank, string what)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Rank != rank)
        {
            throw new ArgumentException($"{what} must have rank {rank}, not {value}");
        }
    }

    private static void RequireFloat(OnnxValue value, string op)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.ElementType is not (DataType.Float or DataType.Float16 or DataType.Double or DataType.Bfloat16))
        {
            throw new ArgumentException($"{op} needs a floating tensor, not {value}");
        }
    }

    private static void RequireInteger(OnnxValue value, string what)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.ElementType is not (DataType.Int32 or DataType.Int64))
        {
            throw new ArgumentException($"{what} must be int32 or int64, not {value}");
        }
    }

    private static void SameType(OnnxValue a, OnnxValue b, string op)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.ElementType != b.ElementType)
        {
            throw new ArgumentException($"{op}: {a} and {b} differ in element type (cast with ToComputeType)");
        }
    }
}
