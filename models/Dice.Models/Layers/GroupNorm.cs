namespace Dice.Models.Layers;

/// <summary>Group normalisation with affine "{name}.weight" and "{name}.bias" [channels].</summary>
public sealed class GroupNorm<T> where T : class
{
    private readonly ITensorOps<T> ops;
    private readonly T weight;
    private readonly T bias;
    private readonly int groups;
    private readonly double eps;

    public GroupNorm(ITensorOps<T> ops, string name, int groups, long channels, double eps)
    {
        ArgumentNullException.ThrowIfNull(ops);
        if (groups <= 0 || channels % groups != 0)
        {
            throw new ArgumentException($"{name}: {channels} channels do not split into {groups} groups");
        }
        this.ops = ops;
        this.groups = groups;
        this.eps = eps;
        weight = ops.Parameter(ParameterName.Join(name, "weight"), [channels], ParameterInit.Ones);
        bias = ops.Parameter(ParameterName.Join(name, "bias"), [channels], ParameterInit.Zeros);
    }

    public T Forward(T input) => ops.GroupNorm(input, groups, weight, bias, eps);
}
