using Dice.Trainer;
using TorchSharp;
using static TorchSharp.torch;

namespace Dice.Build.Tests;

/// <summary>With the build step in place TorchSharp loads here, and never falls back to copying its natives.</summary>
public sealed class TorchSharpLoadTests
{
    [Fact]
    public void The_loader_accepts_libLibTorchSharp_and_a_tensor_op_runs()
    {
        Assert.Null(TorchNative.LoadProblem());
        Assert.Equal(BuildFacts.OutputLibTorchSharp, TorchNative.Locate());

        using var a = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        using var b = tensor(new float[] { 5, 6, 7, 8 }, [2, 2]);
        using var product = a.matmul(b);

        // [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[19, 22], [43, 50]]
        Assert.Equal([19f, 22, 43, 50], product.data<float>().ToArray());
        Assert.Equal("2.10.0.0", __version__);
    }

    [Fact]
    public void No_fallback_copy_of_the_natives_is_made_beside_the_app()
    {
        using var x = ones(3);
        Assert.Equal(3.0, x.sum().ToDouble());
        Assert.False(Directory.Exists(Path.Combine(AppContext.BaseDirectory, "cpu")), "TorchSharp copied its natives into cpu/: loading failed once");
    }
}
