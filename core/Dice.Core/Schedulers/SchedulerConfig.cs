using System.Globalization;
using System.Text.Json;

namespace Dice.Core.Schedulers;

/// <summary>
/// The keys of a diffusers <c>scheduler/scheduler_config.json</c> that Dice's schedulers read. A property is null when
/// its key is absent from the file (or explicitly null): the scheduler that is built from the config then uses its
/// own default, exactly as diffusers does when a pipeline switches scheduler with <c>from_config</c>. Keys present in
/// the file carry over whatever scheduler class wrote them; keys Dice does not know (and <c>_class_name</c>,
/// <c>skip_prk_steps</c>, ...) are ignored.
/// </summary>
/// <remarks>
/// Enumerated values (<c>beta_schedule</c>, <c>prediction_type</c>, <c>timestep_spacing</c>,
/// <c>final_sigmas_type</c>, <c>solver_type</c>) are checked while parsing, so an unknown value fails with the key,
/// the value and the file even if the chosen scheduler would not read it. Values that name a known diffusers feature
/// Dice does not implement (thresholding, exponential sigmas, ...) fail when a scheduler that would use them is built.
/// </remarks>
public sealed record SchedulerConfig
{
    /// <summary>The file name diffusers gives a scheduler's configuration.</summary>
    public const string FileName = "scheduler_config.json";

    /// <summary>The sub-folder of a model folder that holds <see cref="FileName"/>.</summary>
    public const string FolderName = "scheduler";

    /// <summary>A configuration without any key: every scheduler built from it uses its own defaults.</summary>
    public static SchedulerConfig Empty { get; } = new();

    /// <summary>Where the values came from, for error messages (the file path when loaded from a file).</summary>
    public string Source { get; init; } = "scheduler configuration";

    /// <summary><c>_class_name</c>: the diffusers scheduler class that wrote the file (informative only).</summary>
    public string? ClassName { get; init; }

    /// <summary><c>num_train_timesteps</c> (every scheduler's default: 1000).</summary>
    public int? NumTrainTimesteps { get; init; }

    /// <summary><c>beta_start</c> (default 0.0001).</summary>
    public double? BetaStart { get; init; }

    /// <summary><c>beta_end</c> (default 0.02).</summary>
    public double? BetaEnd { get; init; }

    /// <summary><c>beta_schedule</c> (default linear).</summary>
    public BetaSchedule? BetaSchedule { get; init; }

    /// <summary><c>trained_betas</c>: explicit betas that replace beta_start / beta_end / beta_schedule.</summary>
    public IReadOnlyList<double>? TrainedBetas { get; init; }

    /// <summary><c>prediction_type</c> (default epsilon).</summary>
    public PredictionType? PredictionType { get; init; }

    /// <summary><c>timestep_spacing</c> (defaults differ: DDIM leading, DPM-Solver++ and Euler linspace).</summary>
    public TimestepSpacing? TimestepSpacing { get; init; }

    /// <summary><c>steps_offset</c> (default 0; added to leading timesteps).</summary>
    public int? StepsOffset { get; init; }

    /// <summary><c>set_alpha_to_one</c> (DDIM; default true).</summary>
    public bool? SetAlphaToOne { get; init; }

    /// <summary><c>clip_sample</c> (DDIM; default true in diffusers).</summary>
    public bool? ClipSample { get; init; }

    /// <summary><c>clip_sample_range</c> (DDIM; default 1.0).</summary>
    public double? ClipSampleRange { get; init; }

    /// <summary><c>solver_order</c> (DPM-Solver++; default 2; Dice implements 1 and 2).</summary>
    public int? SolverOrder { get; init; }

    /// <summary><c>algorithm_type</c> (DPM-Solver++; default dpmsolver++; Dice implements dpmsolver++ and sde-dpmsolver++).</summary>
    public string? AlgorithmType { get; init; }

    /// <summary><c>solver_type</c> (DPM-Solver++; default midpoint; logrho / bh1 / bh2 from DEIS / UniPC read as midpoint).</summary>
    public DpmSolverType? SolverType { get; init; }

    /// <summary><c>lower_order_final</c> (DPM-Solver++; default true: first-order last step below 15 steps).</summary>
    public bool? LowerOrderFinal { get; init; }

    /// <summary><c>euler_at_final</c> (DPM-Solver++; default false).</summary>
    public bool? EulerAtFinal { get; init; }

    /// <summary><c>final_sigmas_type</c> (DPM-Solver++ and Euler; default zero).</summary>
    public FinalSigmasType? FinalSigmasType { get; init; }

    /// <summary><c>lambda_min_clipped</c> (DPM-Solver++; default −∞: no clipping).</summary>
    public double? LambdaMinClipped { get; init; }

    /// <summary><c>interpolation_type</c> (Euler; default linear; Dice implements linear only).</summary>
    public string? InterpolationType { get; init; }

    /// <summary><c>timestep_type</c> (Euler; default discrete; Dice implements discrete only).</summary>
    public string? TimestepType { get; init; }

    /// <summary><c>variance_type</c> (DPM-Solver++; default null; Dice implements null only).</summary>
    public string? VarianceType { get; init; }

    /// <summary><c>thresholding</c> (DDIM and DPM-Solver++; default false; Dice implements false only).</summary>
    public bool? Thresholding { get; init; }

    /// <summary><c>rescale_betas_zero_snr</c> (default false; Dice implements false only).</summary>
    public bool? RescaleBetasZeroSnr { get; init; }

    /// <summary><c>use_karras_sigmas</c> (DPM-Solver++ and Euler; default false): the noise levels of Karras et al. 2022.</summary>
    public bool? UseKarrasSigmas { get; init; }

    /// <summary><c>use_exponential_sigmas</c> (default false; Dice implements false only).</summary>
    public bool? UseExponentialSigmas { get; init; }

    /// <summary><c>use_beta_sigmas</c> (default false; Dice implements false only).</summary>
    public bool? UseBetaSigmas { get; init; }

    /// <summary><c>use_lu_lambdas</c> (DPM-Solver++; default false; Dice implements false only).</summary>
    public bool? UseLuLambdas { get; init; }

    /// <summary>Reads <c>scheduler/scheduler_config.json</c> of a model folder.</summary>
    public static SchedulerConfig FromModelFolder(string modelFolder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelFolder);
        return Load(Path.Combine(modelFolder, FolderName, FileName));
    }

    /// <summary>Reads a scheduler configuration file.</summary>
    public static SchedulerConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"scheduler configuration {fullPath} does not exist", fullPath);
        }
        return Parse(File.ReadAllText(fullPath), fullPath);
    }

    /// <summary>Parses the JSON text of a scheduler configuration; <paramref name="source"/> names it in errors.</summary>
    public static SchedulerConfig Parse(string json, string source = FileName)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(QuoteNonFiniteNumbers(json), new JsonDocumentOptions
            {
                AllowTrailingCommas = true,
                CommentHandling = JsonCommentHandling.Skip,
            });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not valid JSON ({e.Message})", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{source}: a scheduler configuration must be a JSON object");
            }
            try
            {
                return new SchedulerConfig
                {
                    Source = source,
                    ClassName = String(root, source, "_class_name"),
                    NumTrainTimesteps = Int(root, source, "num_train_timesteps"),
                    BetaStart = Double(root, source, "beta_start"),
                    BetaEnd = Double(root, source, "beta_end"),
                    BetaSchedule = Choice(root, source, "beta_schedule", SchedulerNames.ParseBetaSchedule),
                    TrainedBetas = Doubles(root, source, "trained_betas"),
                    PredictionType = Choice(root, source, "prediction_type", SchedulerNames.ParsePredictionType),
                    TimestepSpacing = Choice(root, source, "timestep_spacing", SchedulerNames.ParseTimestepSpacing),
                    StepsOffset = Int(root, source, "steps_offset"),
                    SetAlphaToOne = Bool(root, source, "set_alpha_to_one"),
                    ClipSample = Bool(root, source, "clip_sample"),
                    ClipSampleRange = Double(root, source, "clip_sample_range"),
                    SolverOrder = Int(root, source, "solver_order"),
                    AlgorithmType = String(root, source, "algorithm_type"),
                    SolverType = Choice(root, source, "solver_type", SchedulerNames.ParseSolverType),
                    LowerOrderFinal = Bool(root, source, "lower_order_final"),
                    EulerAtFinal = Bool(root, source, "euler_at_final"),
                    FinalSigmasType = Choice(root, source, "final_sigmas_type", SchedulerNames.ParseFinalSigmasType),
                    LambdaMinClipped = Double(root, source, "lambda_min_clipped"),
                    InterpolationType = String(root, source, "interpolation_type"),
                    TimestepType = String(root, source, "timestep_type"),
                    VarianceType = String(root, source, "variance_type"),
                    Thresholding = Bool(root, source, "thresholding"),
                    RescaleBetasZeroSnr = Bool(root, source, "rescale_betas_zero_snr"),
                    UseKarrasSigmas = Bool(root, source, "use_karras_sigmas"),
                    UseExponentialSigmas = Bool(root, source, "use_exponential_sigmas"),
                    UseBetaSigmas = Bool(root, source, "use_beta_sigmas"),
                    UseLuLambdas = Bool(root, source, "use_lu_lambdas"),
                };
            }
            catch (InvalidOperationException e)
            {
                // JsonDocument decodes a string only when it is read: invalid UTF-8 or an escape such as \ud800 fails then.
                throw new InvalidDataException($"{source}: holds a string that is not valid Unicode ({e.Message})", e);
            }
        }
    }

    /// <summary>
    /// Python's json module writes infinities and NaN as the bare tokens <c>Infinity</c>, <c>-Infinity</c> and
    /// <c>NaN</c> (diffusers saves DPM-Solver's default <c>lambda_min_clipped</c> as <c>-Infinity</c>), which are not
    /// JSON; this puts quotes around them, outside strings, so that System.Text.Json reads them as strings.
    /// </summary>
    internal static string QuoteNonFiniteNumbers(string json)
    {
        if (!json.Contains("Infinity", StringComparison.Ordinal) && !json.Contains("NaN", StringComparison.Ordinal))
        {
            return json;
        }
        var result = new System.Text.StringBuilder(json.Length + 16);
        bool inString = false;
        for (int i = 0; i < json.Length; i++)
        {
            char c = json[i];
            if (inString)
            {
                result.Append(c);
                if (c == '\\' && i + 1 < json.Length)
                {
                    result.Append(json[++i]);
                }
                else if (c == '"')
                {
                    inString = false;
                }
                continue;
            }
            if (c == '"')
            {
                inString = true;
                result.Append(c);
                continue;
            }
            string? token = null;
            foreach (var candidate in NonFiniteTokens)
            {
                if (string.CompareOrdinal(json, i, candidate, 0, candidate.Length) == 0)
                {
                    token = candidate;
                    break;
                }
            }
            if (token is null)
            {
                result.Append(c);
                continue;
            }
            result.Append('"').Append(token).Append('"');
            i += token.Length - 1;
        }
        return result.ToString();
    }

    private static readonly string[] NonFiniteTokens = ["-Infinity", "Infinity", "NaN"];

    private static bool TryGet(JsonElement root, string key, out JsonElement value) =>
        root.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Null;

    private static InvalidDataException Error(string source, string key, string message) => new($"{source}: '{key}' {message}");

    private static string? String(JsonElement root, string source, string key)
    {
        if (!TryGet(root, key, out var value))
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw Error(source, key, $"must be a string, not {value.GetRawText()}");
    }

    private static T? Choice<T>(JsonElement root, string source, string key, Func<string, T?> parse)
        where T : struct, Enum
    {
        var text = String(root, source, key);
        if (text is null)
        {
            return null;
        }
        return parse(text) ?? throw Error(source, key,
            $"is '{text}', which Dice does not know (expected one of: {string.Join(", ", SchedulerNames.Allowed(key))})");
    }

    private static bool? Bool(JsonElement root, string source, string key)
    {
        if (!TryGet(root, key, out var value))
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(source, key, $"must be true or false, not {value.GetRawText()}"),
        };
    }

    private static int? Int(JsonElement root, string source, string key) =>
        TryGet(root, key, out var value) ? ToInt(source, key, value) : null;

    private static double? Double(JsonElement root, string source, string key) =>
        TryGet(root, key, out var value) ? ToDouble(source, key, value) : null;

    private static double[]? Doubles(JsonElement root, string source, string key)
    {
        if (!TryGet(root, key, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Error(source, key, $"must be a list of numbers or null, not {value.GetRawText()}");
        }
        return value.EnumerateArray().Select(item => ToDouble(source, key, item)).ToArray();
    }

    private static int ToInt(string source, string key, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (value.TryGetInt32(out int integer))
            {
                return integer;
            }
            if (value.TryGetDouble(out double real) && real == Math.Floor(real) && Math.Abs(real) <= int.MaxValue)
            {
                return (int)real;
            }
        }
        throw Error(source, key, $"must be an integer, not {value.GetRawText()}");
    }

    private static double ToDouble(string source, string key, JsonElement value)
    {
        // Non-finite numbers arrive as strings (see QuoteNonFiniteNumbers).
        if (value.ValueKind == JsonValueKind.String &&
            double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed))
        {
            return parsed;
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double real)
            ? real
            : throw Error(source, key, $"must be a number, not {value.GetRawText()}");
    }
}
