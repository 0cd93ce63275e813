namespace Dice.Models;

/// <summary>A parameter a model definition declares: its state-dict name, shape and default initialisation.</summary>
public sealed record ParameterSpec(string Name, IReadOnlyList<long> Shape, ParameterInit Init)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// A backend that only records the parameters a definition declares, in declaration order, without any
/// engine: how checkpoints are validated, parameters counted and random weights generated for export.
/// </summary>
public sealed class ParameterInventory : ITensorOps<ParameterInventory.Declared>
{
    private readonly List<ParameterSpec> parameters = [];
    private readonly HashSet<string> names = new(StringComparer.Ordinal);

    private ParameterInventory() { }

    /// <summary>Stands for a tensor; an inventory has no values.</summary>
    public sealed class Declared
    {
        internal static readonly Declared Instance = new();
    }

    public IReadOnlyList<ParameterSpec> Parameters => parameters;

    /// <summary>The parameters declared by <paramref name="define"/> (which builds a model on the given ops).</summary>
    public static IReadOnlyList<ParameterSpec> Of(Action<ITensorOps<Declared>> define)
    {
        ArgumentNullException.ThrowIfNull(define);
        var inventory = new ParameterInventory();
        define(inventory);
        return inventory.parameters;
    }

    public Declared Parameter(string name, long[] shape, ParameterInit init)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (!names.Add(name))
        {
            throw new InvalidOperationException($"the model declares parameter '{name}' twice");
        }
        parameters.Add(new ParameterSpec(name, shape.ToArray(), init));
        return Declared.Instance;
    }

    public Declared Constant(float[] values, long[] shape) => Declared.Instance;

    public Declared ConstantFloat32(float[] values, long[] shape) => Declared.Instance;

    private static Declared NoForward() =>
        throw new InvalidOperationException("a parameter inventory declares parameters only; it cannot run a forward pass");

    public Declared Linear(Declared input, Declared weight, Declared? bias) => NoForward();
    public Declared Conv2d(Declared input, Declared weight, Declared? bias, int stride, int padding) => NoForward();
    public Declared GroupNorm(Declared input, int groups, Declared weight, Declared bias, double eps) => NoForward();
    public Declared LayerNorm(Declared input, Declared weight, Declared bias, double eps) => NoForward();
    public Declared Embedding(Declared weight, Declared ids) => NoForward();
    public Declared Add(Declared a, Declared b) => NoForward();
    public Declared Sub(Declared a, Declared b) => NoForward();
    public Declared Mul(Declared a, Declared b) => NoForward();
    public Declared Scale(Declared input, double factor) => NoForward();
    public Declared Silu(Declared input) => NoForward();
    public Declared Gelu(Declared input) => NoForward();
    public Declared QuickGelu(Declared input) => NoForward();
    public Declared Relu(Declared input) => NoForward();
    public Declared Sin(Declared input) => NoForward();
    public Declared Cos(Declared input) => NoForward();
    public Declared Attention(Declared query, Declared key, Declared value, bool causal) => NoForward();
    public Declared Reshape(Declared input, params long[] shape) => NoForward();
    public Declared ReshapeLike(Declared input, Declared like) => NoForward();
    public Declared Transpose(Declared input, params int[] permutation) => NoForward();
    public Declared Unsqueeze(Declared input, int axis) => NoForward();
    public Declared Concat(IReadOnlyList<Declared> parts, int axis) => NoForward();
    public IReadOnlyList<Declared> Chunk(Declared input, int chunks, int axis) => [NoForward()];
    public Declared Pad2d(Declared input, int left, int right, int top, int bottom) => NoForward();
    public Declared UpsampleNearest2x(Declared input) => NoForward();
    public Declared LeadingRows(Declared table, Declared like, int axis) => NoForward();
    public Declared ExpandToBatch(Declared input, Declared like) => NoForward();
    public Declared PoolAtArgmax(Declared hidden, Declared ids) => NoForward();
    public Declared ToComputeType(Declared input) => NoForward();
    public Declared ToFloat32(Declared input) => NoForward();
}
