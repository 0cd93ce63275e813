using Dice.Models;
using Dice.Models.Sharpener;
using Dice.Trainer;
using static TorchSharp.torch;

namespace Dice.Models.Tests;

public class SharpenerTests
{
    [Fact]
    public void The_reference_sharpener_has_1_836_800_parameters_at_d_768()
    {
        var specs = ParameterInventory.Of(ops => _ = new DiceSharpener<ParameterInventory.Declared>(ops, new SharpenerConfig()));
        Assert.Equal(1_836_800, specs.Sum(s => s.ElementCount));
        Assert.Equal(
            ["fc1.weight", "fc1.bias", "attention.to_q.weight", "attention.to_k.weight", "attention.to_v.weight",
             "attention.to_out.0.weight", "attention.to_out.0.bias", "fc2.weight", "fc2.bias"],
            specs.Select(s => s.Name));
    }

    [Theory]
    [InlineData(2048, 3_148_800)]
    [InlineData(4096, 5_248_000)]
    public void Larger_text_encoders_give_the_papers_counts(int d, long expected)
    {
        var specs = ParameterInventory.Of(ops => _ = new DiceSharpener<ParameterInventory.Declared>(ops, new SharpenerConfig(d)));
        Assert.Equal(expected, specs.Sum(s => s.ElementCount));
    }

    [Fact]
    public void Forward_keeps_the_embedding_shape_and_broadcasts_one_null_embedding()
    {
        using var ops = new TorchOps(seed: 1);
        var sharpener = new DiceSharpener<Tensor>(ops, new SharpenerConfig(32, 16, 4));
        using var scope = NewDisposeScope();
        using var g = new Generator(2);
        var c = randn([3, 7, 32], generator: g);
        var cNull = randn([1, 7, 32], generator: g);
        var r = sharpener.Forward(c, cNull);
        Assert.Equal([3L, 7, 32], r.shape);

        // Same as giving each row its own copy of c_null.
        var r2 = sharpener.Forward(c, cat([cNull, cNull, cNull], 0));
        Assert.True(r.allclose(r2, 1e-5, 1e-6));

        // Each row depends only on its own c.
        var first = sharpener.Forward(c.narrow(0, 0, 1), cNull);
        Assert.True(first.allclose(r.narrow(0, 0, 1), 1e-5, 1e-6));
    }

    [Fact]
    public void Invalid_sizes_are_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new SharpenerConfig(768, 500, 8).Validate());
        Assert.Contains("500", e.Message, StringComparison.Ordinal);
    }
}
