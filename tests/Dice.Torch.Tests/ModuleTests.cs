using static Dice.Torch.torch;

namespace Dice.Torch.Tests;

public class ModuleTests
{
    private sealed class Block : nn.Module<Tensor, Tensor>
    {
        public Block() : base(nameof(Block))
        {
            norm = new nn.GroupNorm(2, 4);
            conv = new nn.Conv2d(4, 4, 3, padding: 1);
            proj = new nn.ModuleList<nn.Linear>(new nn.Linear(4, 8), new nn.Linear(8, 4, hasBias: false));
            register_module("norm", norm);
            register_module("conv", conv);
            register_module("proj", proj);
            register_buffer("scale", full([1], 0.5));
        }

        private readonly nn.GroupNorm norm;
        private readonly nn.Conv2d conv;
        private readonly nn.ModuleList<nn.Linear> proj;

        public override Tensor forward(Tensor input)
        {
            var h = conv.call(nn.functional.silu(norm.call(input)));
            var pooled = h.mean([2L, 3L]);
            return proj[1].call(nn.functional.relu(proj[0].call(pooled)));
        }
    }

    [Fact]
    public void State_dict_uses_dotted_pytorch_names()
    {
        using var block = new Block();
        var names = block.state_dict().Keys.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
            ["conv.bias", "conv.weight", "norm.bias", "norm.weight", "proj.0.bias", "proj.0.weight", "proj.1.weight", "scale"],
            names);
        Assert.Equal(4 * 4 * 9 + 4 + 4 + 4 + 8 * 4 + 8 + 4 * 8, block.parameter_count());
    }

    [Fact]
    public void Load_state_dict_copies_values_and_reproduces_outputs()
    {
        manual_seed(1);
        using var a = new Block();
        manual_seed(2);
        using var b = new Block();
        using var x = randn([2, 4, 5, 5]);
        using var ya = a.call(x);
        using var yb = b.call(x);
        Assert.False(ya.equal(yb));
        b.load_state_dict(a.state_dict());
        using var yb2 = b.call(x);
        Assert.True(ya.equal(yb2));
    }

    [Fact]
    public void Strict_loading_lists_every_missing_unexpected_and_misshaped_tensor()
    {
        using var block = new Block();
        var source = new Dictionary<string, Tensor>(block.state_dict());
        source.Remove("conv.bias");
        source["conv.biass"] = zeros([4]);
        source["norm.weight"] = zeros([5]);
        using var before = block.state_dict()["norm.weight"].clone();
        var e = Assert.Throws<InvalidOperationException>(() => block.load_state_dict(source));
        Assert.Contains("missing: conv.bias", e.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected: conv.biass", e.Message, StringComparison.Ordinal);
        Assert.Contains("norm.weight: expected [4], got [5]", e.Message, StringComparison.Ordinal);
        Assert.True(before.equal(block.state_dict()["norm.weight"]), "nothing is copied when loading fails");
    }

    [Fact]
    public void Casting_a_module_keeps_parameter_identity()
    {
        using var lin = new nn.Linear(3, 2);
        var weight = lin.weight;
        lin.to(float64);
        Assert.Same(weight, lin.weight);
        Assert.Equal(float64, lin.weight.dtype);
        Assert.True(lin.weight.requires_grad);
        using var y = lin.call(ones([1, 3], float64));
        Assert.Equal(float64, y.dtype);
    }

    [Fact]
    public void Duplicate_member_names_are_rejected()
    {
        using var lin = new nn.Linear(3, 2);
        var e = Assert.Throws<ArgumentException>(() => lin.register_buffer("weight", zeros([1])));
        Assert.Contains("weight", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Linear_matches_its_formula()
    {
        using var lin = new nn.Linear(2, 2);
        using (no_grad())
        {
            lin.weight.copy_(tensor(new float[] { 1, 2, 3, 4 }, [2, 2]));
            lin.bias!.copy_(tensor(new float[] { 0.5f, -0.5f }));
        }
        using var y = lin.call(tensor(new float[] { 1, 1 }, [1, 2]));
        Assert.Equal([3.5f, 6.5f], y.data<float>());
    }
}
