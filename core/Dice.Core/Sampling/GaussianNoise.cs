namespace Dice.Core.Sampling;

/// <summary>
/// Seeded standard-normal samples from a generator of our own (SplitMix64 + Box–Muller in double precision), so
/// a seed gives the same latents on every platform, .NET version and execution provider.
/// </summary>
public sealed class GaussianNoise(ulong seed) : INoiseSource
{
    private ulong state = seed;
    private double? spare;

    public void Fill(Span<float> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)Next();
        }
    }

    public double Next()
    {
        if (spare is { } s)
        {
            spare = null;
            return s;
        }
        double u1;
        do
        {
            u1 = NextUniform();
        }
        while (u1 <= double.Epsilon);
        var u2 = NextUniform();
        var radius = Math.Sqrt(-2.0 * Math.Log(u1));
        spare = radius * Math.Sin(2 * Math.PI * u2);
        return radius * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    private double NextUniform() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    private ulong NextUInt64()
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
