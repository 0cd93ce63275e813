using System.Text;
using Dice.Models;

namespace Dice.Exporter;

/// <summary>
/// Seeded random parameter values drawn from each parameter's <see cref="ParameterInit"/>, with a generator of
/// our own (SplitMix64) so that the values are the same on every platform and .NET version. Each parameter's
/// stream is seeded from the seed and its name, so its values do not depend on declaration order.
/// </summary>
public sealed class RandomWeightSource : IWeightSource
{
    private const double TwoToMinus53 = 1.0 / (1UL << 53);

    public RandomWeightSource(ulong seed = 0)
    {
        Seed = seed;
    }

    public ulong Seed { get; }

    public void Read(ParameterSpec parameter, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var init = parameter.Init;
        switch (init.Kind)
        {
            case InitKind.Zeros:
                destination.Clear();
                break;
            case InitKind.Ones:
                destination.Fill(1f);
                break;
            case InitKind.Uniform:
                FillUniform(StateFor(parameter.Name), init.Scale, destination);
                break;
            case InitKind.Normal:
                FillNormal(StateFor(parameter.Name), init.Scale, destination);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(parameter), init.Kind, $"unknown initialisation of '{parameter.Name}'");
        }
    }

    private static void FillUniform(ulong state, double bound, Span<float> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)((2 * NextUnit(ref state) - 1) * bound);
        }
    }

    /// <summary>Box–Muller: each pair of uniforms gives two independent normals.</summary>
    private static void FillNormal(ulong state, double std, Span<float> destination)
    {
        for (var i = 0; i < destination.Length; i += 2)
        {
            var radius = Math.Sqrt(-2 * Math.Log(1 - NextUnit(ref state))) * std;
            var angle = 2 * Math.PI * NextUnit(ref state);
            destination[i] = (float)(radius * Math.Cos(angle));
            if (i + 1 < destination.Length)
            {
                destination[i + 1] = (float)(radius * Math.Sin(angle));
            }
        }
    }

    private ulong StateFor(string name)
    {
        // FNV-1a of the UTF-8 name: stable, unlike string.GetHashCode.
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        var state = Seed ^ hash;
        return Next(ref state);
    }

    /// <summary>A double in [0, 1).</summary>
    private static double NextUnit(ref ulong state) => (Next(ref state) >> 11) * TwoToMinus53;

    private static ulong Next(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        var z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
