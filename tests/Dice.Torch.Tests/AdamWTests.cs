using static Dice.Torch.torch;

namespace Dice.Torch.Tests;

public class AdamWTests
{
    /// <summary>Fits y = X·w + 0.5 + noise(σ = 0.01) with a small MLP; returns the loss of every step.</summary>
    private static double[] TrainRegression(ulong seed, int steps)
    {
        manual_seed(seed);
        using var gen = new Generator(seed);
        using var x = randn([128, 8], generator: gen);
        using var w = randn([8, 1], generator: gen);
        using var noise = randn([128, 1], generator: gen);
        using var y = x.matmul(w) + 0.5 + noise * 0.01;

        using var l1 = new nn.Linear(8, 32);
        using var l2 = new nn.Linear(32, 1);
        using var opt = new optim.AdamW(l1.parameters().Concat(l2.parameters()), lr: 1e-2, weight_decay: 1e-4);
        var losses = new double[steps];
        for (var i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            opt.zero_grad();
            var loss = nn.functional.mse_loss(l2.call(nn.functional.silu(l1.call(x))), y);
            loss.backward();
            opt.step();
            losses[i] = loss.item();
        }
        return losses;
    }

    [Fact]
    public void A_small_regression_reaches_its_target_loss()
    {
        var losses = TrainRegression(seed: 5, steps: 400);
        Assert.True(losses[0] > 1.0, $"the initial loss {losses[0]} should be large (targets have unit variance)");
        Assert.True(losses[^1] < 5e-3, $"final loss {losses[^1]:E3} should be below 5e-3");
    }

    [Fact]
    public void Two_runs_with_the_same_seed_give_bit_identical_losses()
    {
        var a = TrainRegression(seed: 11, steps: 60);
        var b = TrainRegression(seed: 11, steps: 60);
        var c = TrainRegression(seed: 12, steps: 60);
        Assert.Equal(a.Select(BitConverter.DoubleToInt64Bits), b.Select(BitConverter.DoubleToInt64Bits));
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void One_step_matches_the_adamw_formula()
    {
        // p = 1, g = 2 (from loss 2p), lr 0.1, wd 0.1: p ← p(1 − lr·wd) − lr·m̂/(√v̂ + eps) with m̂ = g, v̂ = g².
        using var p = new nn.Parameter(full([1], 1.0, float64));
        using var opt = new optim.AdamW([p], lr: 0.1, weight_decay: 0.1, eps: 1e-8);
        using (var loss = (p * 2).sum())
        {
            loss.backward();
        }
        opt.step();
        var expected = 1.0 * (1 - 0.1 * 0.1) - 0.1 * 2 / (2 + 1e-8);
        Assert.Equal(expected, p.item(), 12);
    }

    [Fact]
    public void Restoring_optimizer_state_continues_exactly()
    {
        manual_seed(3);
        using var model = new nn.Linear(4, 1);
        using var x = randn([32, 4]);
        using var y = randn([32, 1]);
        using var opt = new optim.AdamW(model.parameters(), lr: 1e-2);
        double Step(optim.AdamW o)
        {
            using var scope = NewDisposeScope();
            o.zero_grad();
            var loss = nn.functional.mse_loss(model.call(x), y);
            loss.backward();
            o.step();
            return loss.item();
        }
        for (var i = 0; i < 5; i++)
        {
            Step(opt);
        }
        var savedModel = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope());
        var savedOpt = opt.state_dict();
        var uninterrupted = Enumerable.Range(0, 5).Select(_ => Step(opt)).ToArray();

        model.load_state_dict(savedModel);
        using var resumed = new optim.AdamW(model.parameters(), lr: 1e-2);
        resumed.load_state_dict(savedOpt);
        Assert.Equal(5, resumed.step_count);
        var continued = Enumerable.Range(0, 5).Select(_ => Step(resumed)).ToArray();
        Assert.Equal(uninterrupted, continued);
    }
}
