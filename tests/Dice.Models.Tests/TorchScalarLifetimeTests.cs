namespace Dice.Models.Tests;

/// <summary>This assembly's own libtorch calls (reference computations) keep their Scalars alive too (see TorchScalarCalls).</summary>
public class TorchScalarLifetimeTests
{
    [Fact]
    public void Its_libtorch_calls_hand_over_only_Scalars_they_keep_alive()
    {
        var found = TorchScalarCalls.UnsafeCallsIn(typeof(TorchScalarLifetimeTests).Assembly);
        Assert.True(found.Count == 0, $"{found.Count} calls make a Scalar nobody keeps alive (use Dice.Trainer.TorchScalars):\n" + string.Join("\n", found));
    }
}
