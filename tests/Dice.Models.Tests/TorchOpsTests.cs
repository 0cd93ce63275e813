using Dice.Models;
using Dice.Models.Sharpener;
using Dice.Models.Weights;
using Dice.Trainer;
using static Dice.Torch.torch;

namespace Dice.Models.Tests;

public class TorchOpsTests
{
    [Fact]
    public void Reshape_zero_keeps_the_input_dim_and_minus_one_infers()
    {
        using var ops = new TorchOps();
        using var x = arange(0, 24, dtype: float32).reshape(2, 3, 4);
        using var y = ops.Reshape(x, 0, -1, 2);
        Assert.Equal([2L, 6, 2], y.shape);
    }

    [Fact]
    public void ExpandToBatch_broadcasts_a_single_value()
    {
        using var ops = new TorchOps();
        using var t = tensor(new long[] { 7 });
        using var like = zeros([3, 2]);
        using var e = ops.ExpandToBatch(t, like);
        Assert.Equal([7L, 7, 7], e.data<long>());
    }

    [Fact]
    public void PoolAtArgmax_picks_the_row_of_the_largest_id()
    {
        using var ops = new TorchOps();
        using var hidden = arange(0, 12, dtype: float32).reshape(2, 3, 2);
        using var ids = tensor(new long[] { 1, 9, 3, 9, 2, 1 }, [2, 3]);
        using var pooled = ops.PoolAtArgmax(hidden, ids);
        Assert.Equal([2f, 3, 6, 7], pooled.data<float>());
    }

    [Fact]
    public void Same_seed_same_weights_and_strict_loading()
    {
        using var a = new TorchOps(seed: 5);
        using var b = new TorchOps(seed: 5);
        using var c = new TorchOps(seed: 6);
        foreach (var ops in new[] { a, b, c })
        {
            ops.Parameter("w", [4, 4], ParameterInit.Uniform(1));
        }
        Assert.True(a["w"].equal(b["w"]));
        Assert.False(a["w"].equal(c["w"]));

        c.LoadStateDict(a.StateDict());
        Assert.True(a["w"].equal(c["w"]));

        using var wrong = zeros([4, 5]);
        var e = Assert.Throws<InvalidOperationException>(() => c.LoadStateDict(new Dictionary<string, Tensor> { ["w"] = wrong, ["extra"] = wrong }));
        Assert.Contains("w: expected [4, 4], got [4, 5]", e.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected: extra", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_then_load_reproduces_outputs_bit_for_bit()
    {
        using var dir = new TempDirectory();
        var config = new SharpenerConfig(32, 16, 4);
        var path = dir.File("sharpener.safetensors");
        using var a = new TorchOps(seed: 1);
        var sa = new DiceSharpener<Tensor>(a, config);
        a.Save(path);

        using var b = new TorchOps(seed: 2);
        var sb = new DiceSharpener<Tensor>(b, config);
        using (var source = WeightSource.Open(path, ops => _ = new DiceSharpener<ParameterInventory.Declared>(ops, config)))
        {
            b.Load(source);
        }
        using var scope = NewDisposeScope();
        using var g = new Generator(3);
        var c = randn([2, 5, 32], generator: g);
        var n = randn([1, 5, 32], generator: g);
        Assert.True(sa.Forward(c, n).equal(sb.Forward(c, n)));
    }

    [Theory]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.BFloat16)]
    public void Half_precision_weights_round_trip_in_their_own_dtype(ScalarType dtype)
    {
        using var dir = new TempDirectory();
        var path = dir.File("w.safetensors");
        using var a = new TorchOps(dtype: dtype, seed: 4);
        a.Parameter("w", [3, 5], ParameterInit.Normal(1));
        a.Save(path);
        using var b = new TorchOps(dtype: dtype, seed: 5);
        b.Parameter("w", [3, 5], ParameterInit.Normal(1));
        using (var source = WeightSource.Open(path, ops => ops.Parameter("w", [3, 5], ParameterInit.Zeros)))
        {
            b.Load(source);
        }
        Assert.Equal(dtype, b["w"].dtype);
        Assert.True(a["w"].equal(b["w"]));
    }
}
