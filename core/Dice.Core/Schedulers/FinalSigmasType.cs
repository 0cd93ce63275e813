namespace Dice.Core.Schedulers;

/// <summary>Where the last step of a schedule lands (diffusers' <c>final_sigmas_type</c>).</summary>
public enum FinalSigmasType
{
    /// <summary><c>zero</c>: the last step goes to σ = 0, a clean sample.</summary>
    Zero,

    /// <summary><c>sigma_min</c>: the last step goes to the σ of training timestep 0.</summary>
    SigmaMin,
}
