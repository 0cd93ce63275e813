using Dice.Core;
using System.Globalization;
using CommandLine;
using Dice.Evaluation;
using Dice.Evaluation.Classification;
using Dice.Runtime.Pipelines;

namespace Dice.Cli.Commands;

[Verb("eval", HelpText = "Compare unguided, CFG, naive scaling and DICE on one prompt set (the paper's Table 1): attribute accuracy, "
    + "a Fréchet distance on the classifier's features, fidelity to CFG, wall time.")]
public sealed class EvalOptions
{
    [Option("model", HelpText = "ONNX model folder (default: the embedded dice-mini).")]
    public string? Model { get; set; }

    [Option("prompts", HelpText = "A text file of prompts, one a line (default: dice-mini's held-out captions, which carry their scenes).")]
    public string? Prompts { get; set; }

    [Option("count", Default = 500, HelpText = "Prompts to evaluate (the first COUNT).")]
    public int Count { get; set; } = 500;

    [Option("guidance", Default = 5.0, HelpText = "CFG's guidance scale (the CFG row and the fidelity reference).")]
    public double Guidance { get; set; } = 5.0;

    [Option("alpha", Default = 1.0, HelpText = "DICE's strength.")]
    public double Alpha { get; set; } = 1.0;

    [Option("scales", Default = "1.25,1.5,2,3", HelpText = "Naive-scaling grid (comma-separated); the best s is reported.")]
    public string Scales { get; set; } = "1.25,1.5,2,3";

    [Option("alpha-sweep", HelpText = "Alphas for the strength curve, comma-separated (e.g. 0,0.25,0.5,0.75,1,1.25,1.5).")]
    public string? AlphaSweep { get; set; }

    [Option("guidance-sweep", HelpText = "Guidance scales for the strength curve, comma-separated (e.g. 1,2,3,5,7.5,10).")]
    public string? GuidanceSweep { get; set; }

    [Option("embeddings", HelpText = "Also report the cosine similarity of original and sharpened embeddings (semantic vs padding tokens).")]
    public bool Embeddings { get; set; }

    [Option("steps", Default = 20, HelpText = "Sampling steps.")]
    public int Steps { get; set; } = 20;

    [Option("scheduler", Default = "dpmpp-2m", HelpText = "dpmpp-2m, euler or ddim.")]
    public string Scheduler { get; set; } = "dpmpp-2m";

    [Option("seed", Default = 0UL, HelpText = "Seed of the first chunk of prompts (chunk k uses SEED + k under every method).")]
    public ulong Seed { get; set; }

    [Option("batch", Default = 50, HelpText = "Prompts per pipeline call.")]
    public int Batch { get; set; } = 50;

    [Option("ep", Default = "cpu", HelpText = "Execution provider: cpu or cuda.")]
    public string ExecutionProvider { get; set; } = "cpu";

    [Option('o', "out", Default = "eval", HelpText = "Folder for eval.md, eval.json and (with a sweep) sweep.png.")]
    public string Output { get; set; } = "eval";

    [Option("force", HelpText = "Replace eval.md, eval.json and sweep.png already in --out.")]
    public bool Force { get; set; }
}

/// <summary>`dice eval`: the quality table of unguided, CFG, naive scaling and DICE, as Markdown and JSON.</summary>
public static class EvalCommand
{
    public static int Run(EvalOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        if (options.Count < 1)
        {
            throw new DiceUsageException($"--count must be at least 1, not {options.Count}");
        }
        if (options.Steps < 1 || options.Batch < 1)
        {
            throw new DiceUsageException($"--steps ({options.Steps}) and --batch ({options.Batch}) must be at least 1");
        }
        var evaluation = new QualityEvaluationOptions
        {
            Steps = options.Steps,
            Scheduler = options.Scheduler,
            Seed = options.Seed,
            Batch = options.Batch,
            Guidance = options.Guidance,
            Alpha = options.Alpha,
            Scales = ParseList("--scales", options.Scales),
        };
        var alphaSweep = options.AlphaSweep is null ? [] : ParseList("--alpha-sweep", options.AlphaSweep);
        var guidanceSweep = options.GuidanceSweep is null ? [] : ParseList("--guidance-sweep", options.GuidanceSweep);
        PromptSet prompts;
        try
        {
            prompts = options.Prompts is null ? PromptSet.DiceMiniHeldOut(options.Count) : PromptSet.FromFile(options.Prompts, options.Count);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            throw new DiceUsageException(e.Message, e);
        }

        using var claim = RunOutput.Claim("--out", options.Output, isFolder: true, options.Force,
            owned: new[] { "eval.md", "eval.json", "sweep.png" }.Select(f => Path.Combine(options.Output, f)));
        var model = PipelineLoader.ResolveModel(options.Model);
        using var pipeline = PipelineLoader.Load(model, PipelineLoader.ParseProvider(options.ExecutionProvider));
        if (options.Embeddings && !pipeline.HasDice)
        {
            throw new DiceUsageException($"--embeddings needs text_encoder_dice in {model}: fuse a sharpener with `dice export`");
        }
        var classifierPath = Path.Combine(model, "classifier", "model.onnx");
        using var classifier = File.Exists(classifierPath) ? new OnnxAttributeClassifier(classifierPath) : null;

        EvaluationReport? report = null;
        try
        {
            ProgressConsole.Run("evaluating", task => report = QualityEvaluation.Run(pipeline, classifier, prompts, evaluation,
                alphaSweep, guidanceSweep, new InlineProgress<EvaluationProgress>(p =>
                {
                    task.Description = $"{p.Method} {p.Images}/{p.Total}";
                })));
        }
        catch (ArgumentException e)
        {
            throw new DiceUsageException(e.Message, e);
        }
        var embeddings = options.Embeddings ? EmbeddingSimilarity.Measure(pipeline, prompts.Prompts, options.Alpha) : null;
        var (markdown, json) = EvaluationReportWriter.Write(options.Output, report!, embeddings);
        output.Write(EvaluationReportWriter.ToMarkdown(report!, embeddings));
        if (alphaSweep.Count > 0 || guidanceSweep.Count > 0)
        {
            output.WriteLine(StrengthSweepPlot.Write(Path.Combine(options.Output, "sweep.png"), report!));
        }
        output.WriteLine(markdown);
        output.WriteLine(json);
        return ExitCodes.Ok;
    }

    private static List<double> ParseList(string option, string text)
    {
        var values = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                throw new DiceUsageException($"{option}: '{part}' is not a number (give comma-separated numbers, e.g. 0,0.5,1)");
            }
            values.Add(value);
        }
        if (values.Count == 0)
        {
            throw new DiceUsageException($"{option} is empty: give comma-separated numbers, e.g. 0,0.5,1");
        }
        return values;
    }
}
