namespace Dice.Core.Schedulers;

/// <summary>The second-order update of DPM-Solver++ (diffusers' <c>solver_type</c>).</summary>
public enum DpmSolverType
{
    /// <summary><c>midpoint</c>: the update of the DPM-Solver++ paper's multistep algorithm.</summary>
    Midpoint,

    /// <summary><c>heun</c>: the variant whose first-order correction uses (e^−h − 1)/h + 1.</summary>
    Heun,
}
