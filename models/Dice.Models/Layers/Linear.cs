namespace Dice.Models.Layers;

/// <summary>A fully connected layer: parameters "{name}.weight" [out, in] and "{name}.bias" [out].</summary>
public sealed class Linear<T> where T : class
{
    private readonly ITensorOps<T> ops;
    private readonly T weight;
    private readonly T? bias;

    public Linear(ITensorOps<T> ops, string name, long inFeatures, long outFeatures, bool bias = true)
    {
        ArgumentNullException.ThrowIfNull(ops);
        this.ops = ops;
        var init = ParameterInit.FanIn(inFeatures);
        weight = ops.Parameter(ParameterName.Join(name, "weight"), [outFeatures, inFeatures], init);
        this.bias = bias ? ops.Parameter(ParameterName.Join(name, "bias"), [outFeatures], init) : null;
    }

    public T Forward(T input) => ops.Linear(input, weight, bias);
}
