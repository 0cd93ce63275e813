namespace Dice.Core.Schedulers;

/// <summary>How the training noise schedule's betas are laid out (diffusers' <c>beta_schedule</c>).</summary>
public enum BetaSchedule
{
    /// <summary><c>linear</c>: betas evenly spaced from beta_start to beta_end.</summary>
    Linear,

    /// <summary><c>scaled_linear</c>: the square roots of the betas evenly spaced (Stable Diffusion).</summary>
    ScaledLinear,

    /// <summary><c>squaredcos_cap_v2</c>: the cosine schedule of Nichol and Dhariwal, each beta capped at 0.999.</summary>
    SquaredCosCapV2,
}
