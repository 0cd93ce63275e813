namespace Dice.Core.Sampling;

/// <summary>The named noise sources a request can choose: "dice" (<see cref="GaussianNoise"/>) and "torch" (<see cref="TorchCpuNoise"/>).</summary>
public static class NoiseSources
{
    public const string Dice = "dice";
    public const string Torch = "torch";

    public static IReadOnlyList<string> Names { get; } = [Dice, Torch];

    /// <exception cref="ArgumentException"><paramref name="name"/> is not one of <see cref="Names"/>.</exception>
    public static INoiseSource Create(string name, ulong seed) => name?.ToLowerInvariant() switch
    {
        Dice => new GaussianNoise(seed),
        Torch => new TorchCpuNoise(seed),
        _ => throw new ArgumentException($"unknown noise source '{name}': use {string.Join(" or ", Names)}", nameof(name)),
    };
}
