using static Dice.Torch.torch;
using F = Dice.Torch.torch.nn.functional;

namespace Dice.Torch.Tests;

/// <summary>Every differentiable op of the binding: autograd gradient vs central differences, float64.</summary>
public class GradientTests
{
    private const double Tolerance = 1e-6;

    private static Tensor Normal(params long[] shape)
    {
        using var gen = new Generator((ulong)shape.Aggregate(17L, (a, b) => a * 31 + b));
        return randn(shape, float64, generator: gen).DetachFromDisposeScope();
    }

    private static Tensor Positive(params long[] shape)
    {
        using var gen = new Generator((ulong)shape.Aggregate(5L, (a, b) => a * 37 + b));
        using var u = rand(shape, float64, generator: gen);
        return (u + 0.5).DetachFromDisposeScope();
    }

    private static readonly Dictionary<string, (Func<Tensor[], Tensor> F, Func<Tensor[]> Inputs)> Cases = new()
    {
        ["linear"] = (x => F.linear(x[0], x[1], x[2]), () => [Normal(2, 3, 4), Normal(5, 4), Normal(5)]),
        ["matmul (broadcast batch)"] = (x => x[0].matmul(x[1]), () => [Normal(2, 3, 4), Normal(4, 2)]),
        ["bmm"] = (x => x[0].bmm(x[1]), () => [Normal(2, 3, 4), Normal(2, 4, 3)]),
        ["conv2d stride 2 padding 1"] = (x => F.conv2d(x[0], x[1], x[2], stride: 2, padding: 1),
            () => [Normal(1, 2, 5, 5), Normal(3, 2, 3, 3), Normal(3)]),
        ["conv2d 1x1"] = (x => F.conv2d(x[0], x[1], x[2]), () => [Normal(2, 3, 2, 2), Normal(4, 3, 1, 1), Normal(4)]),
        ["group_norm"] = (x => F.group_norm(x[0], 2, x[1], x[2], 1e-5), () => [Normal(2, 4, 3, 3), Normal(4), Normal(4)]),
        ["layer_norm"] = (x => F.layer_norm(x[0], [6], x[1], x[2], 1e-5), () => [Normal(2, 3, 6), Normal(6), Normal(6)]),
        ["silu"] = (x => F.silu(x[0]), () => [Normal(3, 4)]),
        ["gelu exact"] = (x => F.gelu(x[0]), () => [Normal(3, 4)]),
        ["gelu tanh"] = (x => F.gelu(x[0], "tanh"), () => [Normal(3, 4)]),
        ["quick_gelu"] = (x => F.quick_gelu(x[0]), () => [Normal(3, 4)]),
        ["relu"] = (x => F.relu(x[0]), () => [Normal(3, 4)]),
        ["sigmoid"] = (x => x[0].sigmoid(), () => [Normal(3, 4)]),
        ["tanh"] = (x => x[0].tanh(), () => [Normal(3, 4)]),
        ["exp"] = (x => x[0].exp(), () => [Normal(3, 4)]),
        ["log"] = (x => x[0].log(), () => [Positive(3, 4)]),
        ["sqrt"] = (x => x[0].sqrt(), () => [Positive(3, 4)]),
        ["sin and cos"] = (x => x[0].sin() + x[0].cos(), () => [Normal(3, 4)]),
        ["pow"] = (x => x[0].pow(3), () => [Normal(3, 4)]),
        ["softmax"] = (x => F.softmax(x[0], -1), () => [Normal(2, 3, 5)]),
        ["log_softmax"] = (x => F.log_softmax(x[0], 1), () => [Normal(2, 5)]),
        ["scaled_dot_product_attention"] = (x => F.scaled_dot_product_attention(x[0], x[1], x[2]),
            () => [Normal(1, 2, 3, 4), Normal(1, 2, 5, 4), Normal(1, 2, 5, 4)]),
        ["scaled_dot_product_attention causal"] = (x => F.scaled_dot_product_attention(x[0], x[1], x[2], is_causal: true),
            () => [Normal(2, 1, 4, 4), Normal(2, 1, 4, 4), Normal(2, 1, 4, 4)]),
        ["interpolate nearest x2"] = (x => F.interpolate(x[0], 2), () => [Normal(1, 2, 3, 3)]),
        ["cat"] = (x => cat([x[0], x[1]], 1), () => [Normal(2, 3), Normal(2, 2)]),
        ["chunk"] = (x =>
        {
            var c = x[0].chunk(2, 0);
            return c[0] * 2 + c[1] * c[1];
        }, () => [Normal(4, 3)]),
        ["split"] = (x =>
        {
            var s = x[0].split([1L, 2L], 1);
            return cat([s[0] * 3, s[1].exp()], 1);
        }, () => [Normal(2, 3)]),
        ["reshape permute transpose contiguous"] = (x => x[0].permute(2, 0, 1).contiguous().reshape(4, 6).transpose(0, 1),
            () => [Normal(2, 3, 4)]),
        ["add sub with broadcasting"] = (x => x[0] + x[1] - x[1] * 0.5 - x[0].sub(x[1], 2), () => [Normal(2, 3), Normal(3)]),
        ["mul div with broadcasting"] = (x => x[0] * x[1] / x[2], () => [Normal(2, 3), Normal(2, 1), Positive(3)]),
        ["sum over dim"] = (x => x[0].sum(1, keepdim: true), () => [Normal(2, 3, 4)]),
        ["sum all"] = (x => x[0].sum(), () => [Normal(2, 3)]),
        ["mean"] = (x => x[0].mean([0L, 2L]), () => [Normal(2, 3, 4)]),
        ["abs"] = (x => x[0].abs(), () => [Normal(3, 4)]),
        ["embedding"] = (x =>
        {
            using var ids = tensor(new long[] { 1, 3, 3, 0, 7, 2 }, [2, 3]);
            return F.embedding(ids, x[0]);
        }, () => [Normal(10, 4)]),
        ["narrow select index_select gather"] = (x =>
        {
            using var idx = tensor(new long[] { 2, 0 });
            using var g = tensor(new long[] { 0, 2, 1, 1, 0, 2 }, [2, 3]);
            return x[0].narrow(1, 1, 2).sum() + x[0].select(0, 1) + x[0].index_select(1, idx).sum(1) .unsqueeze(0).sum() +
                   x[0].gather(1, g).sum(0);
        }, () => [Normal(2, 3)]),
        ["pad"] = (x => F.pad(x[0], [0, 1, 0, 1]), () => [Normal(1, 1, 3, 3)]),
        ["masked_fill and where"] = (x =>
        {
            using var mask = tensor(new[] { true, false, true, false, false, true }, [2, 3]);
            return where(mask, x[0], x[1]) + x[0].masked_fill(mask, 0);
        }, () => [Normal(2, 3), Normal(2, 3)]),
        ["attention block (composite)"] = (x => AttentionBlock(x[0], x[1], x[2], x[3], x[4]),
            () => [Normal(2, 3, 8), Normal(8), Normal(8), Normal(24, 8), Normal(8, 8)]),
    };

    /// <summary>Pre-LN self-attention with a residual, as in a transformer layer: two heads of width 4.</summary>
    private static Tensor AttentionBlock(Tensor x, Tensor lnWeight, Tensor lnBias, Tensor qkv, Tensor proj)
    {
        var h = F.layer_norm(x, [8], lnWeight, lnBias);
        var parts = F.linear(h, qkv).chunk(3, -1);
        Tensor Heads(Tensor t) => t.reshape(2, 3, 2, 4).transpose(1, 2);
        var attended = F.scaled_dot_product_attention(Heads(parts[0]), Heads(parts[1]), Heads(parts[2]));
        var merged = attended.transpose(1, 2).reshape(2, 3, 8);
        return x + F.linear(F.quick_gelu(merged), proj);
    }

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Autograd_matches_finite_differences(string name)
    {
        var (f, makeInputs) = Cases[name];
        var inputs = makeInputs();
        try
        {
            var error = GradCheck.RelativeError(f, inputs);
            Assert.True(error < Tolerance, $"{name}: relative gradient error {error:E2} ≥ {Tolerance:E0}");
        }
        finally
        {
            foreach (var t in inputs)
            {
                t.Dispose();
            }
        }
    }

    [Fact]
    public void Gradient_check_detects_a_wrong_gradient()
    {
        // x·detach(x): autograd sees the gradient x, finite differences see 2x. The checker must notice.
        using var x = Normal(3, 4);
        var error = GradCheck.RelativeError(t => t[0] * t[0].detach(), x);
        Assert.True(error > 0.1, $"the checker should flag a detached factor, got {error:E2}");
    }
}
