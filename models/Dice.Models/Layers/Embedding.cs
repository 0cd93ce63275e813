namespace Dice.Models.Layers;

/// <summary>A lookup table "{name}.weight" [count, dim].</summary>
public sealed class Embedding<T> where T : class
{
    private readonly ITensorOps<T> ops;

    public Embedding(ITensorOps<T> ops, string name, long count, long dim, double initStd = 0.02)
    {
        ArgumentNullException.ThrowIfNull(ops);
        this.ops = ops;
        Weight = ops.Parameter(ParameterName.Join(name, "weight"), [count, dim], ParameterInit.Normal(initStd));
    }

    public T Weight { get; }

    public T Forward(T ids) => ops.Embedding(Weight, ids);
}
