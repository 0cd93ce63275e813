using TorchSharp;

namespace Dice.Trainer.Teacher;

/// <summary>
/// Replaces each caption by the empty prompt with a fixed probability (10% for dice-mini), so the model also learns
/// the unconditional prediction classifier-free guidance needs. Draws one uniform number per caption from the given
/// seeded generator, so the choice is reproducible and resumes exactly.
/// </summary>
public sealed class CaptionDropout
{
    public CaptionDropout(double probability)
    {
        if (probability is < 0 or > 1 || double.IsNaN(probability))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "a probability must lie in [0, 1]");
        }
        Probability = probability;
    }

    public double Probability { get; }

    /// <summary>The captions with each replaced by "" with probability <see cref="Probability"/>.</summary>
    public string[] Apply(IReadOnlyList<string> captions, torch.Generator generator)
    {
        ArgumentNullException.ThrowIfNull(captions);
        ArgumentNullException.ThrowIfNull(generator);
        if (captions.Count == 0)
        {
            return [];
        }
        using var draws = SeededRandom.Rand([captions.Count], torch.ScalarType.Float64, torch.CPU, generator);
        var u = draws.data<double>().ToArray();
        return captions.Select((c, i) => u[i] < Probability ? string.Empty : c).ToArray();
    }
}
