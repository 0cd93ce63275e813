using TorchSharp;
using static TorchSharp.torch;

namespace Dice.Models.Tests;

/// <summary>Assertions on libtorch tensors for the UNet, VAE and block tests.</summary>
internal static class BlocksTorchChecks
{
    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        Assert.Equal(b.shape, a.shape);
        using var scope = NewDisposeScope();
        return (a - b).abs().max().ToDouble();
    }

    public static void AssertClose(Tensor expected, Tensor actual, double tolerance)
    {
        double diff = MaxAbsDiff(actual, expected);
        Assert.True(diff <= tolerance, $"max |difference| {diff} exceeds {tolerance}");
    }

    public static void AssertFinite(Tensor t)
    {
        using var scope = NewDisposeScope();
        var values = t.to(float32).data<float>().ToArray();
        Assert.All(values, v => Assert.True(float.IsFinite(v), "the output holds a non-finite value"));
    }

    /// <summary>Sample <paramref name="index"/> of a batch, keeping the batch dim.</summary>
    public static Tensor Sample(Tensor batch, long index) => batch.narrow(0, index, 1);
}
