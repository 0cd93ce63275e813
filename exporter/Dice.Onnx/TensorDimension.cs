namespace Dice.Onnx;

/// <summary>
/// One dimension of a graph input or output: a fixed size, or a symbolic name such as "batch"
/// that the runtime binds when the model is run. Converts implicitly from a number or a name;
/// <c>default</c> is a dimension of unknown size.
/// </summary>
public readonly record struct TensorDimension
{
    private TensorDimension(long? size, string? symbol)
    {
        Size = size;
        Symbol = symbol;
    }

    /// <summary>The fixed size, or null for a symbolic dimension.</summary>
    public long? Size { get; }

    /// <summary>The symbolic name, or null for a fixed dimension.</summary>
    public string? Symbol { get; }

    public static TensorDimension Fixed(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return new TensorDimension(size, null);
    }

    public static TensorDimension Symbolic(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new TensorDimension(null, name);
    }

    public static implicit operator TensorDimension(long size) => Fixed(size);

    public static implicit operator TensorDimension(string name) => Symbolic(name);

    public override string ToString() => Symbol ?? Size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?";
}
