using System.Text.RegularExpressions;

namespace Dice.Models.Weights;

/// <summary>
/// How checkpoint names are read as model names: tensors to ignore when the model does not declare them, and
/// renaming rules (the first that matches wins; a name no rule matches is read as itself). Everything else about
/// loading stays strict.
/// </summary>
public sealed class WeightNameMap
{
    private const string MidBlockAttention = @"(?<block>(.+\.)?mid_block\.attentions\.\d+)";

    private readonly Regex[] ignored;

    public WeightNameMap(IEnumerable<string> ignoredPatterns, IEnumerable<WeightNameRule> rules)
    {
        ArgumentNullException.ThrowIfNull(ignoredPatterns);
        ArgumentNullException.ThrowIfNull(rules);
        IgnoredPatterns = [.. ignoredPatterns];
        Rules = [.. rules];
        ignored = [.. IgnoredPatterns.Select(p => new Regex($"^(?:{p})$", RegexOptions.CultureInvariant))];
    }

    /// <summary>Regexes (whole-name) of checkpoint tensors that are skipped unless the model declares them.</summary>
    public IReadOnlyList<string> IgnoredPatterns { get; }

    public IReadOnlyList<WeightNameRule> Rules { get; }

    /// <summary>Names must match exactly; nothing is ignored.</summary>
    public static WeightNameMap Strict { get; } = new([], []);

    /// <summary>
    /// What real SD1.5 checkpoints need: transformers' CLIP buffer "text_model.embeddings.position_ids" is ignored,
    /// and the VAE's legacy mid-block attention names query/key/value/proj_attn read as to_q/to_k/to_v/to_out.0,
    /// stored either as linear [C, C] or as 1×1 convolution [C, C, 1, 1] weights.
    /// </summary>
    public static WeightNameMap Default { get; } = new(
        [@"(.+\.)?text_model\.embeddings\.position_ids"],
        [
            LegacyAttention("query", "to_q"),
            LegacyAttention("key", "to_k"),
            LegacyAttention("value", "to_v"),
            LegacyAttention("proj_attn", "to_out.0"),
            new WeightNameRule($@"{MidBlockAttention}\.(?<proj>to_q|to_k|to_v|to_out\.0)\.(?<kind>weight|bias)",
                "${block}.${proj}.${kind}", allowsTrailingUnitDims: true),
        ]);

    /// <summary>This map with more ignored patterns and rules (tried after the existing ones).</summary>
    public WeightNameMap With(IEnumerable<string>? ignoredPatterns = null, IEnumerable<WeightNameRule>? rules = null) =>
        new(IgnoredPatterns.Concat(ignoredPatterns ?? []), Rules.Concat(rules ?? []));

    /// <summary>The model name a checkpoint tensor is read as, and the rule that read it (null when taken as is).</summary>
    public (string ModelName, WeightNameRule? Rule) Resolve(string checkpointName)
    {
        ArgumentNullException.ThrowIfNull(checkpointName);
        foreach (var rule in Rules)
        {
            if (rule.Rename(checkpointName) is { } renamed)
            {
                return (renamed, rule);
            }
        }
        return (checkpointName, null);
    }

    public bool IsIgnored(string checkpointName)
    {
        ArgumentNullException.ThrowIfNull(checkpointName);
        return ignored.Any(r => r.IsMatch(checkpointName));
    }

    private static WeightNameRule LegacyAttention(string legacy, string current) =>
        new($@"{MidBlockAttention}\.{legacy}\.(?<kind>weight|bias)", $"${{block}}.{current}.${{kind}}", allowsTrailingUnitDims: true);
}
