using static TorchSharp.torch;

namespace Dice.Trainer;

/// <summary>
/// Draws from a seeded generator on the generator's own device (Dice's generators are CPU ones) and then moves the
/// result, so one seed gives the same numbers on every device (libtorch's CUDA generators draw other streams).
/// </summary>
public static class SeededRandom
{
    /// <summary>Standard normal samples.</summary>
    public static Tensor Randn(long[] shape, ScalarType dtype, Device device, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return MoveTo(randn(shape, dtype, generator.device, generator: generator), device);
    }

    /// <summary>Uniform samples in [0, 1).</summary>
    public static Tensor Rand(long[] shape, ScalarType dtype, Device device, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return MoveTo(rand(shape, dtype, generator.device, generator: generator), device);
    }

    /// <summary>int64 integers uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static Tensor Randint(long low, long high, long[] shape, Device device, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return MoveTo(randint(low, high, shape, int64, generator.device, generator: generator), device);
    }

    private static Tensor MoveTo(Tensor drawn, Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (TorchDevices.Same(drawn.device, device))
        {
            return drawn;
        }
        using (drawn)
        {
            return drawn.to(device);
        }
    }
}
