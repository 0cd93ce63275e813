namespace Dice.Models;

/// <summary>How a parameter is initialised when no checkpoint provides it.</summary>
public enum InitKind
{
    Zeros,
    Ones,
    /// <summary>Uniform(−scale, scale).</summary>
    Uniform,
    /// <summary>Normal(0, scale²).</summary>
    Normal,
}

public readonly record struct ParameterInit(InitKind Kind, double Scale = 0)
{
    public static ParameterInit Zeros => new(InitKind.Zeros);

    public static ParameterInit Ones => new(InitKind.Ones);

    public static ParameterInit Uniform(double bound) => new(InitKind.Uniform, bound);

    public static ParameterInit Normal(double std) => new(InitKind.Normal, std);

    /// <summary>PyTorch's default for Linear and Conv2d weights and biases: U(±1/√fan_in).</summary>
    public static ParameterInit FanIn(long fanIn) => Uniform(1.0 / Math.Sqrt(fanIn));
}
