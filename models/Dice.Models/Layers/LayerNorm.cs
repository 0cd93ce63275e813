namespace Dice.Models.Layers;

/// <summary>Layer normalisation over the last dim with "{name}.weight" and "{name}.bias" [dim].</summary>
public sealed class LayerNorm<T> where T : class
{
    private readonly ITensorOps<T> ops;
    private readonly T weight;
    private readonly T bias;
    private readonly double eps;

    public LayerNorm(ITensorOps<T> ops, string name, long dim, double eps)
    {
        ArgumentNullException.ThrowIfNull(ops);
        this.ops = ops;
        this.eps = eps;
        weight = ops.Parameter(ParameterName.Join(name, "weight"), [dim], ParameterInit.Ones);
        bias = ops.Parameter(ParameterName.Join(name, "bias"), [dim], ParameterInit.Zeros);
    }

    public T Forward(T input) => ops.LayerNorm(input, weight, bias, eps);
}
