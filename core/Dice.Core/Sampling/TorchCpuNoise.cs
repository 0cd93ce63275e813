namespace Dice.Core.Sampling;

/// <summary>
/// Standard-normal samples as <c>torch.randn(shape, generator=torch.Generator("cpu").manual_seed(seed))</c> draws
/// them in float32, so a seed means the same latents as in diffusers run with a CPU generator. Each
/// <see cref="Fill"/> is one <c>randn</c> call over the whole span: torch's result depends on the total size.
/// <list type="bullet">
/// <item>Generator: mt19937 seeded with the low 32 bits of the seed; a 32-bit draw is one output, a 64-bit draw is
/// two, the first in the high half.</item>
/// <item>Fewer than 16 elements: per element, Box–Muller in double from two 53-bit uniforms u1, u2
/// (r = √(−2·log1p(−u2)), θ = 2π·u1): r·cos θ, and r·sin θ kept for the next element (the kept value outlives the
/// call, as it does in torch's generator), each rounded to float.</item>
/// <item>16 or more: every element first gets a 24-bit float uniform; then each block of 16 turns its pairs
/// (j, j+8), j &lt; 8, into r·cos θ and r·sin θ in float with u1 = 1 − x[j], u2 = x[j+8] (r = √(−2·ln u1),
/// θ = 2π·u2); when the size is not a multiple of 16 the last 16 elements are drawn afresh and transformed again.</item>
/// </list>
/// The float transcendental functions are the platform's (logf, sinf, cosf; glibc's on Linux), as in torch's
/// portable kernel. torch builds for AVX2 run the 16-blocks through polynomial approximations of log and sincos
/// instead, which can differ from these in the last bit of some elements.
/// </summary>
public sealed class TorchCpuNoise : INoiseSource
{
    private const int Block = 16;
    private readonly Mt19937 engine;
    private double? cachedNormal;

    public TorchCpuNoise(ulong seed)
    {
        Seed = seed;
        engine = new Mt19937(unchecked((uint)seed));
    }

    public ulong Seed { get; }

    /// <summary>Fills <paramref name="destination"/> as one float32 <c>torch.randn</c> of its length.</summary>
    public void Fill(Span<float> destination)
    {
        if (destination.Length >= Block)
        {
            FillBlocks(destination);
        }
        else
        {
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = (float)NextDoubleNormal();
            }
        }
    }

    private void FillBlocks(Span<float> data)
    {
        var size = data.Length;
        for (var i = 0; i < size; i++)
        {
            data[i] = NextFloatUniform();
        }
        for (var i = 0; i + Block <= size; i += Block)
        {
            Transform(data.Slice(i, Block));
        }
        if (size % Block != 0)
        {
            var tail = data[(size - Block)..];
            for (var i = 0; i < Block; i++)
            {
                tail[i] = NextFloatUniform();
            }
            Transform(tail);
        }
    }

    /// <summary>Box–Muller over one block of 16 uniforms, in float.</summary>
    private static void Transform(Span<float> block)
    {
        for (var j = 0; j < Block / 2; j++)
        {
            var u1 = 1f - block[j];
            var u2 = block[j + Block / 2];
            var radius = MathF.Sqrt(-2f * MathF.Log(u1));
            var theta = (float)(2.0 * Math.PI * u2);
            block[j] = radius * MathF.Cos(theta);
            block[j + Block / 2] = radius * MathF.Sin(theta);
        }
    }

    private double NextDoubleNormal()
    {
        if (cachedNormal is { } cached)
        {
            cachedNormal = null;
            return cached;
        }
        var u1 = NextDoubleUniform();
        var u2 = NextDoubleUniform();
        var r = Math.Sqrt(-2.0 * Log1P(-u2));
        var theta = 2.0 * Math.PI * u1;
        cachedNormal = r * Math.Sin(theta);
        return r * Math.Cos(theta);
    }

    /// <summary>The low 24 bits of one 32-bit draw, over 2^24.</summary>
    private float NextFloatUniform() => (engine.NextUInt32() & 0xFFFFFFu) * (1f / (1 << 24));

    /// <summary>The low 53 bits of one 64-bit draw, over 2^53.</summary>
    private double NextDoubleUniform()
    {
        var high = (ulong)engine.NextUInt32();
        var low = (ulong)engine.NextUInt32();
        return (((high << 32) | low) & ((1UL << 53) - 1)) * (1.0 / (1UL << 53));
    }

    /// <summary>
    /// ln(1 + x) accurate for small x (.NET has no log1p): ln(w)·x/(w − 1) with w = 1 + x rounded, which cancels
    /// the rounding of w (Goldberg, "What every computer scientist should know about floating-point arithmetic").
    /// </summary>
    internal static double Log1P(double x)
    {
        var w = 1.0 + x;
        if (w == 1.0)
        {
            return x;
        }
        return Math.Log(w) * x / (w - 1.0);
    }
}
