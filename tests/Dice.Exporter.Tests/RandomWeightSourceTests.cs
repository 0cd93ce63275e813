using Dice.Models;

namespace Dice.Exporter.Tests;

public sealed class RandomWeightSourceTests
{
    [Fact]
    public void Each_init_kind_draws_from_its_distribution()
    {
        var source = new RandomWeightSource(3);
        var uniform = Draw(source, "u", 20000, ParameterInit.Uniform(0.25));
        var normal = Draw(source, "n", 20001, ParameterInit.Normal(0.02));
        Assert.All(uniform, v => Assert.InRange(v, -0.25f, 0.25f));
        Assert.InRange(uniform.Average(), -0.01, 0.01);
        Assert.InRange(uniform.Max(), 0.24f, 0.25f);
        Assert.InRange(normal.Average(), -0.001, 0.001);
        Assert.InRange(Math.Sqrt(normal.Average(v => (double)v * v)), 0.019, 0.021);
        Assert.All(Draw(source, "z", 10, ParameterInit.Zeros), v => Assert.Equal(0f, v));
        Assert.All(Draw(source, "o", 10, ParameterInit.Ones), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Values_depend_on_seed_and_name_only()
    {
        var first = Draw(new RandomWeightSource(1), "layer.weight", 64, ParameterInit.Uniform(1));
        var source = new RandomWeightSource(1);
        Draw(source, "other.weight", 100, ParameterInit.Normal(1));
        Assert.Equal(first, Draw(source, "layer.weight", 64, ParameterInit.Uniform(1)));
        Assert.NotEqual(first, Draw(new RandomWeightSource(2), "layer.weight", 64, ParameterInit.Uniform(1)));
        Assert.NotEqual(first, Draw(new RandomWeightSource(1), "layer.bias", 64, ParameterInit.Uniform(1)));
    }

    private static float[] Draw(RandomWeightSource source, string name, int count, ParameterInit init)
    {
        var values = new float[count];
        source.Read(new ParameterSpec(name, [count], init), values);
        return values;
    }
}
