using TorchSharp;
using static TorchSharp.torch;

namespace Dice.Trainer;

/// <summary>
/// Tensor arithmetic with plain numbers whose TorchSharp <see cref="Scalar"/>s outlive the native call.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 keeps a Scalar's native pointer in a plain IntPtr and frees it in the finalizer. A Scalar made by an
/// implicit conversion (`t * 0.5`, and inside TorchSharp `a + b` → `add(b, 1)`, `square()` → `pow(2)`, AdamW's step) is
/// unreachable once its pointer is read, so a garbage collection during the call can free it under libtorch: "Unknown
/// scalar type", or a read of freed memory (dotnet/TorchSharp pull requests 1434 and 1496 are open). Here each Scalar is
/// either disposed after the call (a `using` keeps it alive until then) or a constant held for the life of the process.
/// `tests/Dice.Trainer.Tests/TorchScalarLifetimeTests` finds every call in the trainer that makes one implicitly.
/// </remarks>
public static class TorchScalars
{
    private static readonly Scalar One = 1.ToScalar();
    private static readonly Scalar Two = 2.ToScalar();

    /// <summary>a + b, as `a + b` computes it.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a += b in place.</summary>
    public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);

    public static Tensor Plus(this Tensor input, double value)
    {
        using var s = value.ToScalar();
        return input.add(s, One);
    }

    public static Tensor PlusInPlace(this Tensor input, double value)
    {
        using var s = value.ToScalar();
        return input.add_(s, One);
    }

    public static Tensor Minus(this Tensor input, double value)
    {
        using var s = value.ToScalar();
        return input.sub(s);
    }

    public static Tensor Times(this Tensor input, double factor)
    {
        using var s = factor.ToScalar();
        return input.mul(s);
    }

    public static Tensor TimesInPlace(this Tensor input, double factor)
    {
        using var s = factor.ToScalar();
        return input.mul_(s);
    }

    public static Tensor DividedBy(this Tensor input, double divisor)
    {
        using var s = divisor.ToScalar();
        return input.div(s);
    }

    public static Tensor Clamped(this Tensor input, double min, double max)
    {
        using var lo = min.ToScalar();
        using var hi = max.ToScalar();
        return input.clamp(lo, hi);
    }

    /// <summary>x², as `square()` (pow with exponent 2) computes it.</summary>
    public static Tensor Squared(this Tensor input) => input.pow(Two);

    /// <summary>a + value·b in place (`add_(b, alpha)`).</summary>
    public static Tensor AddScaledInPlace(this Tensor a, Tensor b, double value)
    {
        using var s = value.ToScalar();
        return a.add_(b, s);
    }

    /// <summary>a + value·b·c in place (`addcmul_`).</summary>
    public static Tensor AddProductInPlace(this Tensor a, Tensor b, Tensor c, double value)
    {
        using var s = value.ToScalar();
        return a.addcmul_(b, c, s);
    }

    /// <summary>a + value·b/c in place (`addcdiv_`).</summary>
    public static Tensor AddQuotientInPlace(this Tensor a, Tensor b, Tensor c, double value)
    {
        using var s = value.ToScalar();
        return a.addcdiv_(b, c, s);
    }
}
