namespace Dice.Core.Schedulers;

/// <summary>
/// How the inference timesteps are picked from the training timesteps (diffusers' <c>timestep_spacing</c>, after
/// Table 2 of Lin et al., "Common Diffusion Noise Schedules and Sample Steps are Flawed").
/// </summary>
public enum TimestepSpacing
{
    /// <summary><c>linspace</c>: evenly spaced from the last training timestep down to 0.</summary>
    Linspace,

    /// <summary><c>leading</c>: multiples of an integer step ratio counted up from 0, plus steps_offset.</summary>
    Leading,

    /// <summary><c>trailing</c>: multiples of the step ratio counted down from the number of training timesteps, minus 1.</summary>
    Trailing,
}
