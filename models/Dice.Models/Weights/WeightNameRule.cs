using System.Text.RegularExpressions;

namespace Dice.Models.Weights;

/// <summary>
/// Reads a checkpoint tensor name as a model parameter name: <see cref="Pattern"/> (a .NET regex matched against
/// the whole name) is rewritten with <see cref="Replacement"/> ($1, ${group}). With
/// <see cref="AllowsTrailingUnitDims"/> the stored shape may be the model's shape followed by 1s (a 1×1
/// convolution for a linear layer), and the data is reshaped on load.
/// </summary>
public sealed class WeightNameRule
{
    private readonly Regex regex;

    public WeightNameRule(string pattern, string replacement, bool allowsTrailingUnitDims = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        ArgumentNullException.ThrowIfNull(replacement);
        Pattern = pattern;
        Replacement = replacement;
        AllowsTrailingUnitDims = allowsTrailingUnitDims;
        regex = new Regex($"^(?:{pattern})$", RegexOptions.CultureInvariant);
    }

    public string Pattern { get; }

    public string Replacement { get; }

    public bool AllowsTrailingUnitDims { get; }

    /// <summary>The model name this rule reads <paramref name="checkpointName"/> as, or null if it does not match.</summary>
    public string? Rename(string checkpointName)
    {
        ArgumentNullException.ThrowIfNull(checkpointName);
        return regex.IsMatch(checkpointName) ? regex.Replace(checkpointName, Replacement) : null;
    }

    /// <summary>Whether a stored tensor of <paramref name="stored"/> shape can fill a parameter of <paramref name="model"/> shape.</summary>
    public bool ShapeFits(IReadOnlyList<long> stored, IReadOnlyList<long> model)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(model);
        if (stored.Count < model.Count || !stored.Take(model.Count).SequenceEqual(model))
        {
            return false;
        }
        return stored.Count == model.Count || (AllowsTrailingUnitDims && stored.Skip(model.Count).All(d => d == 1));
    }

    public override string ToString() => $"{Pattern} → {Replacement}{(AllowsTrailingUnitDims ? " (trailing 1s allowed)" : "")}";
}
