namespace Dice.Core.Schedulers;

/// <summary>Builds a scheduler by name from a model's scheduler configuration.</summary>
public static class SchedulerFactory
{
    /// <summary>DPM-Solver++ 2M: <see cref="DpmSolverMultistepScheduler"/>.</summary>
    public const string DpmPlusPlus2M = "dpmpp-2m";

    /// <summary>Euler: <see cref="EulerDiscreteScheduler"/>.</summary>
    public const string Euler = "euler";

    /// <summary>DDIM: <see cref="DdimScheduler"/>.</summary>
    public const string Ddim = "ddim";

    /// <summary>The names <see cref="Create"/> accepts (case-insensitively).</summary>
    public static IReadOnlyList<string> Names { get; } = [DpmPlusPlus2M, Euler, Ddim];

    /// <summary>
    /// The scheduler called <paramref name="name"/> (case-insensitive), configured from <paramref name="config"/> as
    /// diffusers configures a scheduler a pipeline switches to: keys present in the configuration carry over, absent
    /// ones take that scheduler's own defaults.
    /// </summary>
    public static INoiseScheduler Create(string name, SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(config);
        if (string.Equals(name, DpmPlusPlus2M, StringComparison.OrdinalIgnoreCase))
        {
            return new DpmSolverMultistepScheduler(config);
        }
        if (string.Equals(name, Euler, StringComparison.OrdinalIgnoreCase))
        {
            return new EulerDiscreteScheduler(config);
        }
        if (string.Equals(name, Ddim, StringComparison.OrdinalIgnoreCase))
        {
            return new DdimScheduler(config);
        }
        throw new ArgumentException($"unknown scheduler '{name}': the schedulers are {string.Join(", ", Names)}", nameof(name));
    }
}
