using System.Runtime.InteropServices;
using Dice.Models;
using Dice.Models.Weights;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using Parameter = TorchSharp.Modules.Parameter;

namespace Dice.Trainer;

/// <summary>
/// The libtorch backend of the model definitions (through TorchSharp): every op runs eagerly and differentiably. It
/// owns the parameters the definition declares (by state-dict name, in declaration order), initialised from its own
/// seeded generator on the CPU, so building the same model with the same seed gives the same weights on every device.
/// </summary>
public sealed class TorchOps : ITensorOps<Tensor>, IDisposable
{
    private readonly List<(string Name, Parameter Parameter)> parameters = [];
    private readonly Dictionary<string, Parameter> byName = new(StringComparer.Ordinal);
    private readonly Generator generator;

    /// <param name="device">Where parameters live and ops run.</param>
    /// <param name="dtype">The compute type of parameters and constants (float32, float16, bfloat16, float64).</param>
    /// <param name="seed">Seed of the parameter initialisation.</param>
    public TorchOps(Device? device = null, ScalarType dtype = ScalarType.Float32, ulong seed = 0)
    {
        Device = device ?? CPU;
        DType = dtype;
        generator = new Generator(seed);
    }

    public Device Device { get; }

    public ScalarType DType { get; }

    public IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters => parameters;

    public IReadOnlyList<Parameter> Parameters => parameters.Select(p => p.Parameter).ToList();

    public long ParameterCount => parameters.Sum(p => p.Parameter.numel());

    /// <summary>The parameters by name (the tensors themselves, not copies).</summary>
    public IReadOnlyDictionary<string, Tensor> StateDict() =>
        parameters.ToDictionary(p => p.Name, p => (Tensor)p.Parameter, StringComparer.Ordinal);

    public Parameter this[string name] =>
        byName.TryGetValue(name, out var p) ? p : throw new KeyNotFoundException($"no parameter named '{name}'");

    /// <summary>Loads a safetensors file written by <see cref="Save"/> (float16 storage widens) through <see cref="LoadStateDict"/>.</summary>
    public void LoadStateDictFile(string path)
    {
        var weights = Training.TensorFile.Load(path);
        try
        {
            LoadStateDict(weights);
        }
        finally
        {
            foreach (var t in weights.Values)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>
    /// Copies values in by name. Every declared parameter must be present with its shape and no other name may
    /// appear; otherwise nothing is copied and the message lists every missing, unexpected and misshaped name.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var missing = parameters.Where(p => !source.ContainsKey(p.Name)).Select(p => p.Name).ToList();
        var unexpected = source.Keys.Where(k => !byName.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var misshaped = parameters
            .Where(p => source.TryGetValue(p.Name, out var s) && !s.shape.SequenceEqual(p.Parameter.shape))
            .Select(p => $"{p.Name}: expected [{string.Join(", ", p.Parameter.shape)}], got [{string.Join(", ", source[p.Name].shape)}]")
            .ToList();
        if (missing.Count + unexpected.Count + misshaped.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"missing: {string.Join(", ", missing)}");
            if (unexpected.Count > 0) parts.Add($"unexpected: {string.Join(", ", unexpected)}");
            if (misshaped.Count > 0) parts.Add($"shape mismatch: {string.Join("; ", misshaped)}");
            throw new InvalidOperationException($"the weights do not fit the model: {string.Join(" | ", parts)}");
        }
        using (no_grad())
        {
            foreach (var (name, p) in parameters)
            {
                p.copy_(source[name]);
            }
        }
    }

    /// <summary>
    /// Loads every parameter from a validated checkpoint, one tensor at a time (a 3.4 GB UNet never sits whole in
    /// managed memory). Half-precision weights stay half on the way when this backend computes in half.
    /// </summary>
    public void Load(WeightSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var half = DType is ScalarType.Float16 or ScalarType.BFloat16 ? HalfPrecision.Keep : HalfPrecision.ConvertToFloat32;
        using (no_grad())
        {
            foreach (var (name, parameter) in parameters)
            {
                var weight = source.Read(name, half);
                using var loaded = ToTensor(weight, parameter.shape);
                parameter.copy_(loaded);
            }
        }
    }

    /// <summary>Writes the parameters to a safetensors file (atomically), in this backend's dtype.</summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var tensors = parameters.Select(p => ToWeight(p.Name, p.Parameter));
        StateDictFile.Save(path, tensors, metadata ?? StateDictFile.PyTorchMetadata);
    }

    private static Tensor ToTensor(WeightTensor weight, long[] shape)
    {
        if (weight.Float32Values is { } values)
        {
            return tensor(values, shape);
        }
        var dtype = weight.DType == WeightDType.BFloat16 ? ScalarType.BFloat16 : ScalarType.Float16;
        return TensorBytes.ToTensor(MemoryMarshal.AsBytes(weight.HalfBits.AsSpan()), dtype, shape);
    }

    private static WeightTensor ToWeight(string name, Tensor parameter)
    {
        using var cpu = parameter.detach().cpu();
        return cpu.dtype switch
        {
            ScalarType.Float32 => WeightTensor.FromFloat32(name, cpu.shape, cpu.data<float>().ToArray()),
            ScalarType.Float16 => WeightTensor.FromHalfBits(name, WeightDType.Float16, cpu.shape,
                cpu.data<Half>().ToArray().Select(BitConverter.HalfToUInt16Bits).ToArray()),
            _ => ToWeightViaFloat32(name, cpu),
        };
    }

    private static WeightTensor ToWeightViaFloat32(string name, Tensor t)
    {
        using var f = t.to(ScalarType.Float32);
        var weight = WeightTensor.FromFloat32(name, f.shape, f.data<float>().ToArray());
        return t.dtype == ScalarType.BFloat16 ? weight.ConvertTo(WeightDType.BFloat16) : weight;
    }

    /// <summary>Freezes (or unfreezes) every parameter: a frozen teacher still passes gradients to its inputs.</summary>
    public void RequiresGrad(bool requires)
    {
        foreach (var (_, p) in parameters)
        {
            p.requires_grad = requires;
        }
    }

    public void Dispose()
    {
        foreach (var (_, p) in parameters)
        {
            p.Dispose();
        }
        parameters.Clear();
        byName.Clear();
        generator.Dispose();
    }

    // ----- parameters and constants --------------------------------------------------------------------

    public Tensor Parameter(string name, long[] shape, ParameterInit init)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (byName.ContainsKey(name))
        {
            throw new InvalidOperationException($"the model declares parameter '{name}' twice");
        }
        using var scope = NewDisposeScope();
        var values = init.Kind switch
        {
            InitKind.Zeros => zeros(shape, float32),
            InitKind.Ones => ones(shape, float32),
            InitKind.Uniform => rand(shape, float32, generator: generator).Times(2 * init.Scale).Minus(init.Scale),
            InitKind.Normal => randn(shape, float32, generator: generator).Times(init.Scale),
            _ => throw new ArgumentOutOfRangeException(nameof(init), init.Kind, "unknown initialisation"),
        };
        // TorchSharp's Parameter takes over the tensor's handle and joins the open scope: keep it out of the scope.
        var parameter = new Parameter(values.to(DType, Device));
        parameter.DetachFromDisposeScope();
        parameters.Add((name, parameter));
        byName.Add(name, parameter);
        return parameter;
    }

    public Tensor Constant(float[] values, long[] shape)
    {
        using var cpu = tensor(values, shape);
        return cpu.to(DType, Device);
    }

    public Tensor ConstantFloat32(float[] values, long[] shape)
    {
        using var cpu = tensor(values, shape);
        return cpu.to(Device);
    }

    // ----- layers ---------------------------------------------------------------------------------------

    public Tensor Linear(Tensor input, Tensor weight, Tensor? bias) => F.linear(input, weight, bias);

    /// <summary>
    /// On the CPU, output channels are padded with zero filters to a multiple of <see cref="CpuConvChannelBlock"/> and
    /// the extra channels dropped: libtorch 2.10's oneDNN convolutions (TorchSharp 0.107) otherwise give wrong input
    /// gradients when the output channels do not fill its 16-lane blocks (measured on an AVX-512 AMD EPYC for a 3×3
    /// stride-1 convolution, 32 input channels, batch 8, against float64: relative errors 0.25–0.56 for 3, 4, 8, 12 and
    /// 24 output channels, NaN for 1 and 2, varying from run to run; exact to float32 rounding for 16, 32 and 48; with
    /// oneDNN limited to AVX2, 3 and 4 output channels still fail), and wrong bfloat16 outputs (0.24 for 4). Padded,
    /// the outputs are the same and the gradients right; the cost is the padded channels' arithmetic.
    /// </summary>
    public Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, int stride, int padding)
    {
        var outChannels = weight.size(0);
        var missing = (CpuConvChannelBlock - (outChannels % CpuConvChannelBlock)) % CpuConvChannelBlock;
        if (missing == 0 || input.device_type != DeviceType.CPU)
        {
            return F.conv2d(input, weight, bias, strides: [stride, stride], padding: [padding, padding]);
        }
        using var scope = NewDisposeScope();
        var paddedWeight = F.pad(weight, [0, 0, 0, 0, 0, 0, 0, missing]);
        var paddedBias = bias is null ? null : F.pad(bias, [0, missing]);
        var output = F.conv2d(input, paddedWeight, paddedBias, strides: [stride, stride], padding: [padding, padding]);
        return output.narrow(1, 0, outChannels).MoveToOuterDisposeScope();
    }

    /// <summary>The channel block of libtorch's CPU convolutions (oneDNN, AVX-512 and AVX2 alike divide it).</summary>
    public const int CpuConvChannelBlock = 16;

    public Tensor GroupNorm(Tensor input, int groups, Tensor weight, Tensor bias, double eps) =>
        F.group_norm(input, groups, weight, bias, eps);

    public Tensor LayerNorm(Tensor input, Tensor weight, Tensor bias, double eps) =>
        F.layer_norm(input, weight.shape, weight, bias, eps);

    /// <summary>TorchSharp has no functional embedding: rows picked with index_select, whose gradient sums into the
    /// picked rows as embedding's does.</summary>
    public Tensor Embedding(Tensor weight, Tensor ids)
    {
        using var scope = NewDisposeScope();
        var flat = (ids.dtype == int64 ? ids : ids.to(int64)).reshape(-1);
        var rows = weight.index_select(0, flat);
        return rows.reshape([.. ids.shape, weight.size(1)]).MoveToOuterDisposeScope();
    }

    // ----- elementwise ----------------------------------------------------------------------------------

    public Tensor Add(Tensor a, Tensor b) => a.Plus(b);

    public Tensor Sub(Tensor a, Tensor b) => a - b;

    public Tensor Mul(Tensor a, Tensor b) => a * b;

    public Tensor Scale(Tensor input, double factor) => input.Times(factor);

    public Tensor Silu(Tensor input) => F.silu(input);

    public Tensor Gelu(Tensor input) => F.gelu(input);

    public Tensor QuickGelu(Tensor input)
    {
        using var scope = NewDisposeScope();
        return input.mul(input.Times(1.702).sigmoid()).MoveToOuterDisposeScope();
    }

    public Tensor Relu(Tensor input) => F.relu(input);

    public Tensor Sin(Tensor input) => input.sin();

    public Tensor Cos(Tensor input) => input.cos();

    // ----- attention ------------------------------------------------------------------------------------

    public Tensor Attention(Tensor query, Tensor key, Tensor value, bool causal)
    {
        var batch = query.size(0);
        if (key.size(0) == batch)
        {
            return F.scaled_dot_product_attention(query, key, value, is_casual: causal);
        }
        // Keys and values shared by the whole batch (a single c_null, say): broadcast them explicitly, since
        // fused kernels do not broadcast the batch dim.
        using var k = BroadcastBatch(key, batch);
        using var v = BroadcastBatch(value, batch);
        return F.scaled_dot_product_attention(query, k, v, is_casual: causal);
    }

    private static Tensor BroadcastBatch(Tensor t, long batch)
    {
        var shape = t.shape;
        shape[0] = batch;
        return t.expand(shape);
    }

    // ----- shapes ---------------------------------------------------------------------------------------

    public Tensor Reshape(Tensor input, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var resolved = (long[])shape.Clone();
        var inputShape = input.shape;
        for (var i = 0; i < resolved.Length; i++)
        {
            if (resolved[i] == 0)
            {
                resolved[i] = i < inputShape.Length
                    ? inputShape[i]
                    : throw new ArgumentException($"reshape: 0 at position {i} but the input has only {inputShape.Length} dims");
            }
        }
        return input.reshape(resolved);
    }

    public Tensor ReshapeLike(Tensor input, Tensor like) => input.reshape(like.shape);

    public Tensor Transpose(Tensor input, params int[] permutation)
    {
        ArgumentNullException.ThrowIfNull(permutation);
        return input.permute(permutation.Select(p => (long)p).ToArray());
    }

    public Tensor Unsqueeze(Tensor input, int axis) => input.unsqueeze(axis);

    public Tensor Concat(IReadOnlyList<Tensor> parts, int axis)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return cat(parts.ToArray(), axis);
    }

    public IReadOnlyList<Tensor> Chunk(Tensor input, int chunks, int axis)
    {
        var size = input.size(axis);
        if (size % chunks != 0)
        {
            throw new ArgumentException($"chunk: axis {axis} of size {size} does not split into {chunks} equal pieces");
        }
        return input.chunk(chunks, axis);
    }

    public Tensor Pad2d(Tensor input, int left, int right, int top, int bottom) => F.pad(input, [left, right, top, bottom]);

    public Tensor UpsampleNearest2x(Tensor input) =>
        F.interpolate(input, size: [input.size(2) * 2, input.size(3) * 2], mode: InterpolationMode.Nearest);

    public Tensor LeadingRows(Tensor table, Tensor like, int axis) => table.narrow(0, 0, like.size(axis));

    public Tensor ExpandToBatch(Tensor input, Tensor like)
    {
        var batch = like.size(0);
        if (input.numel() == 1)
        {
            using var flat = input.reshape(1);
            return flat.expand(batch);
        }
        var n = input.numel();
        return n == batch ? input.reshape(batch) : throw new ArgumentException($"cannot broadcast {n} values to a batch of {batch}");
    }

    public Tensor PoolAtArgmax(Tensor hidden, Tensor ids)
    {
        var shape = hidden.shape;
        using var scope = NewDisposeScope();
        var index = ids.argmax(-1).reshape(shape[0], 1, 1).expand(shape[0], 1, shape[2]);
        return hidden.gather(1, index).squeeze(1).MoveToOuterDisposeScope();
    }

    public Tensor ToComputeType(Tensor input) => input.to(DType);

    public Tensor ToFloat32(Tensor input) => input.to(ScalarType.Float32);
}
