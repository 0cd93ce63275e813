using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dice.Data;
using Dice.Evaluation.Metrics;
using Dice.Core.IO;

namespace Dice.Evaluation;

/// <summary>Writes an <see cref="EvaluationReport"/> as a Markdown table and as JSON.</summary>
public static class EvaluationReportWriter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The table (one row per method) and the lines under it.</summary>
    public static string ToMarkdown(EvaluationReport report, EmbeddingSimilarity? embeddings = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var o = report.Options;
        var md = new StringBuilder();
        md.AppendLine(Invariant($"{report.PromptCount} prompts ({report.PromptSource}), {o.Steps} steps of {o.Scheduler}, seeds {o.Seed}+ shared by every method."));
        md.AppendLine();
        md.AppendLine("| method | NFE | trainable params | attribute accuracy ↑ | exact scenes ↑ | Fréchet distance, classifier features ↓ | CFG fidelity (RMSE to CFG image) ↓ | s / image |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in report.Rows)
        {
            md.AppendLine(Row(row));
        }
        md.AppendLine();
        foreach (var kind in new[] { GuidanceMethod.Dice, GuidanceMethod.NaiveScaling })
        {
            if (report.GainRecovered(kind) is { } share && report.Rows.FirstOrDefault(r => r.Method.Kind == kind) is { } row)
            {
                md.AppendLine(Invariant($"- {row.Method.Name} recovers {share:P0} of CFG's attribute-accuracy gain over unguided sampling."));
            }
        }
        if (report.ScalingGrid.Count > 1)
        {
            md.AppendLine("- naive scaling grid: " + string.Join(", ", report.ScalingGrid.Select(g => Invariant(
                $"s={g.Method.Strength:0.###} → {(g.Accuracy is { } a ? a.Mean.ToString("P1", CultureInfo.InvariantCulture) : g.CfgFidelity.ToString("F4", CultureInfo.InvariantCulture))}"))) + ".");
        }
        if (report.Rows.Any(r => r.Accuracy is not null))
        {
            md.AppendLine();
            md.AppendLine("Attribute accuracy per head (the classifier's reading of each attribute the caption states):");
            md.AppendLine();
            md.AppendLine("| | " + string.Join(" | ", AttributeSchema.Heads.Select(h => h.Name)) + " |");
            md.AppendLine("|---|" + string.Concat(AttributeSchema.Heads.Select(_ => "---:|")));
            foreach (var row in report.Rows.Where(r => r.Accuracy is not null))
            {
                md.AppendLine(PerHeadRow(row.Method.Name, row.Accuracy!));
            }
            if (report.RealImageAccuracy is { } real)
            {
                md.AppendLine(PerHeadRow("real images (the classifier itself)", real));
            }
            md.AppendLine();
        }
        if (embeddings is not null)
        {
            md.AppendLine(Invariant(
                $"- embedding cosine similarity, original vs sharpened (alpha {embeddings.Alpha:0.###}, {embeddings.Prompts} prompts): semantic tokens {embeddings.Semantic:F3}, padding tokens {embeddings.Padding:F3}."));
        }
        if (report.Note is { } note)
        {
            md.AppendLine($"- {note}.");
        }
        return md.ToString();
    }

    public static string ToJson(EvaluationReport report, EmbeddingSimilarity? embeddings = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var o = report.Options;
        var json = new JsonObject
        {
            ["model"] = report.Model,
            ["prompts"] = report.PromptSource,
            ["prompt_count"] = report.PromptCount,
            ["steps"] = o.Steps,
            ["scheduler"] = o.Scheduler,
            ["seed"] = o.Seed,
            ["batch"] = o.Batch,
            ["guidance"] = o.Guidance,
            ["alpha"] = o.Alpha,
            ["rows"] = Rows(report.Rows),
            ["dice_gain_recovered"] = report.GainRecovered(GuidanceMethod.Dice),
            ["naive_scaling_gain_recovered"] = report.GainRecovered(GuidanceMethod.NaiveScaling),
            ["naive_scaling_grid"] = Rows(report.ScalingGrid),
            ["alpha_sweep"] = Rows(report.AlphaSweep),
            ["guidance_sweep"] = Rows(report.GuidanceSweep),
            ["real_image_accuracy"] = report.RealImageAccuracy is { } real ? Accuracy(real) : null,
            ["note"] = report.Note,
        };
        if (embeddings is not null)
        {
            json["embeddings"] = new JsonObject
            {
                ["alpha"] = embeddings.Alpha,
                ["prompts"] = embeddings.Prompts,
                ["semantic_cosine"] = embeddings.Semantic,
                ["padding_cosine"] = embeddings.Padding,
                ["semantic_tokens"] = embeddings.SemanticTokens,
                ["padding_tokens"] = embeddings.PaddingTokens,
            };
        }
        return json.ToJsonString(Indented) + "\n";
    }

    /// <summary>Writes eval.md and eval.json into <paramref name="folder"/> (each atomically).</summary>
    public static (string Markdown, string Json) Write(string folder, EvaluationReport report, EmbeddingSimilarity? embeddings = null)
    {
        Directory.CreateDirectory(folder);
        var markdown = Path.Combine(folder, "eval.md");
        var jsonPath = Path.Combine(folder, "eval.json");
        AtomicFile.WriteAllText(markdown, ToMarkdown(report, embeddings));
        AtomicFile.WriteAllText(jsonPath, ToJson(report, embeddings));
        return (markdown, jsonPath);
    }

    private static JsonArray Rows(IEnumerable<MethodScore> rows) => new(rows.Select(r => (JsonNode?)new JsonObject
    {
        ["method"] = r.Method.Name,
        ["kind"] = r.Method.Kind.ToString(),
        ["strength"] = r.Method.Strength,
        ["nfe"] = r.Nfe,
        ["trainable_parameters"] = r.TrainableParameters,
        ["attribute_accuracy"] = r.Accuracy?.Mean,
        ["exact_scenes"] = r.Accuracy?.ExactScenes,
        ["per_head_accuracy"] = r.Accuracy is { } a ? PerHead(a) : null,
        ["frechet_distance"] = r.FrechetDistance,
        ["cfg_fidelity_rmse"] = r.CfgFidelity,
        ["seconds_per_image"] = r.SecondsPerImage,
    }).ToArray());

    private static string Row(MethodScore r) => Invariant(
        $"| {r.Method.Name} | {r.Nfe} | {(r.TrainableParameters is { } p ? p.ToString("N0", CultureInfo.InvariantCulture) : "–")} | {Percent(r.Accuracy?.Mean)} | {Percent(r.Accuracy?.ExactScenes)} | {(r.FrechetDistance is { } f ? f.ToString("F3", CultureInfo.InvariantCulture) : "–")} | {r.CfgFidelity:F4} | {r.SecondsPerImage:F4} |");

    private static string PerHeadRow(string name, AttributeAccuracy accuracy) =>
        $"| {name} | " + string.Join(" | ", accuracy.PerHead.Select(a => Percent(a))) + " |";

    private static JsonObject Accuracy(AttributeAccuracy a) => new()
    {
        ["mean"] = a.Mean,
        ["exact_scenes"] = a.ExactScenes,
        ["per_head"] = PerHead(a),
    };

    private static JsonObject PerHead(AttributeAccuracy a) =>
        new(AttributeSchema.Heads.Select((h, i) => KeyValuePair.Create(h.Name, (JsonNode?)JsonValue.Create(a.PerHead[i]))));

    private static string Percent(double? value) => value is { } v ? v.ToString("P1", CultureInfo.InvariantCulture) : "–";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
