using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dice.Benchmarks.DiceVsCfg;

/// <summary>
/// Writes benchmarks/results/dice-vs-cfg.json and .md. A run replaces the sections of the models it measured and
/// keeps the others from the existing JSON, so the SD1.5 and dice-mini suites can run at different times.
/// </summary>
public static class DiceVsCfgReportWriter
{
    public const string JsonFile = "dice-vs-cfg.json";
    public const string MarkdownFile = "dice-vs-cfg.md";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // Keep × and µ readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Merges <paramref name="models"/> into the report in <paramref name="folder"/> and writes both files; returns the merged report.</summary>
    public static DiceVsCfgReport Write(string folder, IReadOnlyList<ModelReport> models)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(models);
        Directory.CreateDirectory(folder);
        var jsonPath = Path.Combine(folder, JsonFile);
        var report = Merge(File.Exists(jsonPath) ? TryRead(File.ReadAllText(jsonPath)) : null, models);
        File.WriteAllText(jsonPath, ToJson(report));
        File.WriteAllText(Path.Combine(folder, MarkdownFile), ToMarkdown(report));
        return report;
    }

    /// <summary>The existing report's models that were not measured again, then the new ones, in <see cref="BenchmarkModel.All"/> order.</summary>
    public static DiceVsCfgReport Merge(DiceVsCfgReport? existing, IReadOnlyList<ModelReport> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        var names = models.Select(m => m.Model).ToHashSet(StringComparer.Ordinal);
        var all = (existing?.Models ?? []).Where(m => !names.Contains(m.Model)).Concat(models).ToList();
        var order = BenchmarkModel.All.Select(m => m.Name).ToList();
        int Rank(ModelReport m) => order.IndexOf(m.Model) is var i && i >= 0 ? i : order.Count;
        return new DiceVsCfgReport(all.OrderBy(Rank).ThenBy(m => m.Model, StringComparer.Ordinal).ToList());
    }

    public static string ToJson(DiceVsCfgReport report) => JsonSerializer.Serialize(report, Json) + "\n";

    /// <summary>The report in <paramref name="json"/>, or null when it is not one (an old or damaged file is replaced).</summary>
    public static DiceVsCfgReport? TryRead(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<DiceVsCfgReport>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string ToMarkdown(DiceVsCfgReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        md.Append("# DICE vs CFG on the ONNX runtime pipeline\n\n");
        md.Append("Written by `benchmarks/Dice.Benchmarks` after its DICE-vs-CFG suites ran (see `benchmarks/README.md`); ");
        md.Append("BenchmarkDotNet's own reports are in `results/`. Per-image latency is one generation's mean time over its batch. ");
        md.Append("Ratios are DICE's per-image latency over CFG's (below 1: DICE is faster; the images/s ratio is the inverse). ");
        md.Append("The stage split is the pipeline's own timing (`GenerationResult`), averaged over the case's generations. ");
        md.Append("The sharpener's cost is text_encoder_dice's time minus text_encoder's on the same prompts: everything DICE adds to ");
        md.Append("text encoding, which for a `dice export` encoder is the sharpener plus a second encoder pass over the negative prompt ");
        md.Append("(by default the empty one); \"alone\" is the fused sharpener graph (sharpener/model.onnx) by itself.\n");
        foreach (var model in report.Models)
        {
            AppendModel(md, model);
        }
        return md.ToString();
    }

    private static void AppendModel(StringBuilder md, ModelReport model)
    {
        var s = model.Settings;
        var m = model.Machine;
        md.Append(Inv($"\n## {model.Model}: {s.Size}, {s.Steps} {s.Scheduler} steps, CFG scale {s.CfgScale:0.##}\n\n"));
        md.Append(Inv($"- measured {model.Measured:yyyy-MM-dd HH:mm} UTC, BenchmarkDotNet job `{model.Job}`"));
        md.Append(model.Job.StartsWith("Dry", StringComparison.Ordinal)
            ? " (a dry run, one cold generation per case: a check of the suite, not a measurement)\n"
            : "\n");
        md.Append(Inv($"- machine: {m.Cpu}, {m.PhysicalCores} physical / {m.LogicalCores} logical cores; {m.Os}; {m.DotNet}; ONNX Runtime {m.OnnxRuntime}, CPU execution provider\n"));
        md.Append(Inv($"- model folder `{model.Folder}`; one prompt × batch images: \"{s.Prompt}\"\n"));
        foreach (var batch in model.Batches)
        {
            md.Append(Inv($"\n### batch {batch.Batch}\n\n"));
            md.Append("| mode | UNet calls × batch | s / image | images / s | text encoder s / image | UNet loop s / image | VAE decoder s / image |\n");
            md.Append("|---|---:|---:|---:|---:|---:|---:|\n");
            foreach (var mode in batch.Modes)
            {
                var st = mode.Stages;
                md.Append(Inv($"| {mode.Mode} | {(st is null ? "—" : Inv($"{st.UnetCalls} × {st.UnetCallBatch}"))} | {Seconds(mode.SecondsPerImage)} | {mode.ImagesPerSecond:0.###} | "));
                md.Append(st is null
                    ? "— | — | — |\n"
                    : Inv($"{Seconds(st.TextEncoder)} ({Share(st.TextEncoder, mode.SecondsPerImage)}) | {Seconds(st.UnetLoop)} ({Share(st.UnetLoop, mode.SecondsPerImage)}) | {Seconds(st.Vae)} ({Share(st.Vae, mode.SecondsPerImage)}) |\n"));
            }
            md.Append('\n');
            md.Append(Inv($"- DICE / CFG sequential: {RatioText(batch.DiceOverCfgSequential)}\n"));
            md.Append(Inv($"- DICE / CFG batched: {RatioText(batch.DiceOverCfgBatched)}\n"));
            if (batch.Sharpener is { } sh)
            {
                md.Append(Inv($"- sharpener: text_encoder_dice {Seconds(sh.TextEncoderDiceSeconds)} − text_encoder {Seconds(sh.TextEncoderSeconds)} on {batch.Batch} prompt(s) = {Seconds(sh.SecondsPerImage)} per image, {sh.ShareOfDiceImage * 100:0.###}% of a DICE image's time (from the {sh.Source})"));
                md.Append(sh.AloneSecondsPerImage is { } alone && sh.AloneShareOfDiceImage is { } aloneShare
                    ? Inv($"; alone {Seconds(alone)} per image, {aloneShare * 100:0.###}%\n")
                    : "\n");
            }
            else
            {
                md.Append("- sharpener: not measured (run the model's encoder suite with its pipeline suite)\n");
            }
        }
    }

    private static string RatioText(double? ratio) => ratio is { } r && r > 0
        ? Inv($"{r:0.###} of the per-image latency, ×{1 / r:0.##} the images/s")
        : "— (a mode is missing)";

    /// <summary>Seconds to 10 ms from a second up, else milliseconds (or microseconds) to two decimals.</summary>
    public static string Seconds(double seconds) =>
        Math.Abs(seconds) >= 1 ? Inv($"{seconds:0.00} s")
        : Math.Abs(seconds) >= 1e-3 ? Inv($"{seconds * 1e3:0.##} ms")
        : Inv($"{seconds * 1e6:0.##} µs");

    private static string Share(double part, double whole) => whole > 0 ? Inv($"{part / whole * 100:0.#}%") : "—";

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
