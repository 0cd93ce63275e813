namespace Dice.Models.Layers;

/// <summary>A square-kernel 2-D convolution: "{name}.weight" [out, in, k, k] and "{name}.bias" [out].</summary>
public sealed class Conv2d<T> where T : class
{
    private readonly ITensorOps<T> ops;
    private readonly T weight;
    private readonly T? bias;
    private readonly int stride;
    private readonly int padding;

    public Conv2d(ITensorOps<T> ops, string name, long inChannels, long outChannels, int kernelSize, int stride = 1, int padding = 0,
        bool bias = true)
    {
        ArgumentNullException.ThrowIfNull(ops);
        this.ops = ops;
        this.stride = stride;
        this.padding = padding;
        var init = ParameterInit.FanIn(inChannels * kernelSize * kernelSize);
        weight = ops.Parameter(ParameterName.Join(name, "weight"), [outChannels, inChannels, kernelSize, kernelSize], init);
        this.bias = bias ? ops.Parameter(ParameterName.Join(name, "bias"), [outChannels], init) : null;
    }

    public T Forward(T input) => ops.Conv2d(input, weight, bias, stride, padding);
}
