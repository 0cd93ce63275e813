namespace Dice.Evaluation;

/// <summary>Sampling settings shared by every method of an evaluation (the paper's: 20 DPM-Solver++ steps, w = 5, alpha = 1).</summary>
public sealed record QualityEvaluationOptions
{
    public int Steps { get; init; } = 20;

    public string Scheduler { get; init; } = "dpmpp-2m";

    /// <summary>Chunk k of <see cref="Batch"/> prompts starts from seed Seed + k under every method, so images of the same index share their noise.</summary>
    public ulong Seed { get; init; }

    /// <summary>Prompts per pipeline call.</summary>
    public int Batch { get; init; } = 50;

    /// <summary>CFG's guidance scale for the CFG row and the fidelity reference.</summary>
    public double Guidance { get; init; } = 5.0;

    /// <summary>DICE's strength for the DICE row.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>The grid of the naive-scaling baseline; the best s (highest attribute accuracy, else closest to CFG) is reported.</summary>
    public IReadOnlyList<double> Scales { get; init; } = [1.25, 1.5, 2.0, 3.0];

    public void Validate()
    {
        if (Steps < 1 || Batch < 1)
        {
            throw new ArgumentException($"steps ({Steps}) and batch ({Batch}) must be positive");
        }
        if (!double.IsFinite(Guidance) || !double.IsFinite(Alpha) || Scales.Any(s => !double.IsFinite(s)))
        {
            throw new ArgumentException("guidance, alpha and scales must be finite numbers");
        }
    }
}
