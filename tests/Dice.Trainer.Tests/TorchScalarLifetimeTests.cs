using System.Reflection;
using Dice.Tests.Shared;
using Dice.Trainer;
using TorchSharp;

namespace Dice.Trainer.Tests;

/// <summary>
/// CI once failed with libtorch's "Unknown scalar type" in `rand(…) * scale`: the implicitly made Scalar was finalized
/// during the native call (see <see cref="TorchScalarCalls"/>). The trainer must hand libtorch only Scalars it keeps alive.
/// </summary>
public class TorchScalarLifetimeTests
{
    [Fact]
    public void The_scan_recognises_TorchSharp_calls_that_make_a_Scalar_implicitly()
    {
        // Facts from TorchSharp's own code: `Tensor * double` converts the double implicitly; `a + b` (tensors) goes
        // through add(b) → add(b, 1), an implicit int → Scalar; add(b, alpha) takes the caller's Scalar.
        var unsafeMethods = TorchScalarCalls.UnsafeTorchSharpMethods;
        Assert.Contains(typeof(torch.Tensor).GetMethod("op_Multiply", [typeof(torch.Tensor), typeof(double)])!, unsafeMethods);
        Assert.Contains(typeof(torch.Tensor).GetMethod("op_Addition", [typeof(torch.Tensor), typeof(torch.Tensor)])!, unsafeMethods);
        Assert.Contains(typeof(Scalar).GetMethod("op_Implicit", [typeof(double)])!, unsafeMethods);
        Assert.DoesNotContain(typeof(torch.Tensor).GetMethod("add", [typeof(torch.Tensor), typeof(Scalar)])!, unsafeMethods);
        Assert.DoesNotContain(typeof(torch.Tensor).GetMethod("mul", [typeof(Scalar)])!, unsafeMethods);
    }

    [Fact]
    public void The_trainer_and_its_tests_hand_libtorch_only_Scalars_they_keep_alive()
    {
        var found = new[] { typeof(TorchOps).Assembly, Assembly.GetExecutingAssembly() }
            .SelectMany(TorchScalarCalls.UnsafeCallsIn)
            .ToList();
        Assert.True(found.Count == 0, $"{found.Count} calls make a Scalar nobody keeps alive (use TorchScalars):\n" + string.Join("\n", found));
    }
}
