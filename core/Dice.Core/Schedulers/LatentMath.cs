using System.Numerics;
using System.Runtime.InteropServices;

namespace Dice.Core.Schedulers;

/// <summary>
/// Element-wise linear combinations of latent buffers, vectorised with <see cref="Vector{T}"/>. The destination may be
/// one of the inputs (the same span), never a partly overlapping one.
/// </summary>
internal static class LatentMath
{
    /// <summary>x ← a·x.</summary>
    public static void Scale(Span<float> x, float a)
    {
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(x);
        for (int i = 0; i < vectors.Length; i++)
        {
            vectors[i] *= a;
        }
        for (int i = vectors.Length * Vector<float>.Count; i < x.Length; i++)
        {
            x[i] *= a;
        }
    }

    /// <summary>destination ← a·x + b·y.</summary>
    public static void Combine(Span<float> destination, float a, ReadOnlySpan<float> x, float b, ReadOnlySpan<float> y)
    {
        CheckLengths(destination.Length, x.Length, y.Length, y.Length);
        var dv = MemoryMarshal.Cast<float, Vector<float>>(destination);
        var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
        var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
        for (int i = 0; i < dv.Length; i++)
        {
            dv[i] = a * xv[i] + b * yv[i];
        }
        for (int i = dv.Length * Vector<float>.Count; i < destination.Length; i++)
        {
            destination[i] = a * x[i] + b * y[i];
        }
    }

    /// <summary>destination ← a·x + b·y + c·z.</summary>
    public static void Combine(
        Span<float> destination, float a, ReadOnlySpan<float> x, float b, ReadOnlySpan<float> y, float c, ReadOnlySpan<float> z)
    {
        CheckLengths(destination.Length, x.Length, y.Length, z.Length);
        var dv = MemoryMarshal.Cast<float, Vector<float>>(destination);
        var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
        var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
        var zv = MemoryMarshal.Cast<float, Vector<float>>(z);
        for (int i = 0; i < dv.Length; i++)
        {
            dv[i] = a * xv[i] + b * yv[i] + c * zv[i];
        }
        for (int i = dv.Length * Vector<float>.Count; i < destination.Length; i++)
        {
            destination[i] = a * x[i] + b * y[i] + c * z[i];
        }
    }

    private static void CheckLengths(int destination, int x, int y, int z)
    {
        if (x != destination || y != destination || z != destination)
        {
            throw new ArgumentException($"latent buffers differ in length ({destination}, {x}, {y}, {z} values)");
        }
    }
}
