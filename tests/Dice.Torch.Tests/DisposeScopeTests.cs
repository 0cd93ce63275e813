using static Dice.Torch.torch;

namespace Dice.Torch.Tests;

[Collection(NativeMemoryCollection.Name)]
public class DisposeScopeTests
{
    /// <summary>Runs pending finalizers of earlier tests first, so only this test's tensors are counted.</summary>
    private static long SettledLiveCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return live_tensor_count();
    }

    [Fact]
    public void A_scope_frees_every_tensor_made_inside_it()
    {
        var before = SettledLiveCount();
        using (var scope = NewDisposeScope())
        {
            var a = ones([4, 4]);
            var b = (a * 2 + 1).exp().sum();
            Assert.True(scope.Count >= 5);
            Assert.True(live_tensor_count() >= before + 5);
            Assert.True(b.item() > 0);
        }
        Assert.Equal(before, SettledLiveCount());
    }

    [Fact]
    public void Moving_to_the_outer_scope_keeps_a_result_alive()
    {
        var before = SettledLiveCount();
        Tensor kept;
        using (NewDisposeScope())
        {
            using (NewDisposeScope())
            {
                var x = arange(0, 4, dtype: float32);
                kept = (x * x).MoveToOuterDisposeScope();
            }
            Assert.Equal([0f, 1, 4, 9], kept.data<float>());
        }
        Assert.True(kept.IsInvalid);
        Assert.Equal(before, SettledLiveCount());
    }

    [Fact]
    public void Detaching_hands_ownership_to_the_caller()
    {
        Tensor kept;
        using (NewDisposeScope())
        {
            kept = ones([2]).DetachFromDisposeScope();
        }
        Assert.False(kept.IsInvalid);
        kept.Dispose();
    }

    [Fact]
    public void A_training_step_in_a_scope_leaks_nothing()
    {
        manual_seed(1);
        using var model = new nn.Linear(8, 2);
        using var opt = new optim.AdamW(model.parameters(), lr: 1e-2);
        using var x = randn([16, 8]);
        using var y = randn([16, 2]);
        void Step()
        {
            using var scope = NewDisposeScope();
            opt.zero_grad();
            var loss = nn.functional.mse_loss(model.call(x), y);
            loss.backward();
            opt.step();
        }
        Step(); // the optimiser allocates its moments once
        var before = SettledLiveCount();
        for (var i = 0; i < 5; i++)
        {
            Step();
        }
        Assert.Equal(before, SettledLiveCount());
    }
}

/// <summary>Tests that count live native tensors must not run beside tests that allocate.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class NativeMemoryCollection
{
    public const string Name = "native memory";
}
