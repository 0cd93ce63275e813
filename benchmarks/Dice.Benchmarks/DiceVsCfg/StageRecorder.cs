using System.Text.Json;
using Dice.Runtime.Pipelines;

namespace Dice.Benchmarks.DiceVsCfg;

/// <summary>The pipeline's own split of one generation (<see cref="GenerationResult"/>), in seconds.</summary>
/// <param name="UnetCallBatch">The batch of the largest UNet call (2N under batched CFG).</param>
public sealed record StageSample(double TextEncoderSeconds, double UnetLoopSeconds, double VaeSeconds, int UnetCalls, int UnetCallBatch)
{
    public static StageSample From(GenerationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(result.TextEncoding.TotalSeconds, result.Denoising.TotalSeconds, result.Decoding.TotalSeconds, result.UnetCalls,
            result.UnetBatchSizes.Count == 0 ? 0 : result.UnetBatchSizes.Max());
    }
}

/// <summary>Every generation one benchmark case ran (warm-up excluded), keyed by suite (the model's name), mode and batch, and the image size.</summary>
public sealed record StageRecord(string Suite, string Mode, int Batch, int Width, int Height, IReadOnlyList<StageSample> Samples)
{
    /// <summary>The mean of each time over the samples (UNet calls and batch: the first sample's; all are equal).</summary>
    public StageSample? Mean => Samples.Count == 0
        ? null
        : new StageSample(Samples.Average(s => s.TextEncoderSeconds), Samples.Average(s => s.UnetLoopSeconds),
            Samples.Average(s => s.VaeSeconds), Samples[0].UnetCalls, Samples[0].UnetCallBatch);
}

/// <summary>
/// Carries the per-stage times from BenchmarkDotNet's benchmark processes to the report: each case appends the
/// <see cref="GenerationResult"/> times of every generation it ran and, at global clean-up, writes them as JSON into
/// the folder named by <see cref="EnvironmentVariable"/> (set by Program for its child processes). Without the
/// variable nothing is written.
/// </summary>
public sealed class StageRecorder
{
    public const string EnvironmentVariable = "DICE_BENCHMARK_STAGES";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    private readonly List<StageSample> samples = [];
    private int width;
    private int height;

    public StageRecorder(string suite, GuidanceMode mode, int batch)
    {
        Suite = suite;
        Mode = mode;
        Batch = batch;
    }

    public string Suite { get; }

    public GuidanceMode Mode { get; }

    public int Batch { get; }

    public IReadOnlyList<StageSample> Samples => samples;

    public void Add(GenerationResult result)
    {
        samples.Add(StageSample.From(result));
        if (result.Images.Count > 0)
        {
            (width, height) = (result.Images[0].Width, result.Images[0].Height);
        }
    }

    public static string FileName(string suite, GuidanceMode mode, int batch) => $"{suite}-{mode.Label()}-b{batch}.json";

    /// <summary>Writes the samples into the folder of <see cref="EnvironmentVariable"/>, if it is set.</summary>
    public void Save()
    {
        var folder = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(folder) || samples.Count == 0)
        {
            return;
        }
        Directory.CreateDirectory(folder);
        var record = new StageRecord(Suite, Mode.Label(), Batch, width, height, samples.ToList());
        File.WriteAllText(Path.Combine(folder, FileName(Suite, Mode, Batch)), JsonSerializer.Serialize(record, Json));
    }

    /// <summary>Every record in <paramref name="folder"/> (none when it does not exist).</summary>
    public static IReadOnlyList<StageRecord> Load(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }
        return Directory.EnumerateFiles(folder, "*.json")
            .Order(StringComparer.Ordinal)
            .Select(f => JsonSerializer.Deserialize<StageRecord>(File.ReadAllText(f), Json)
                         ?? throw new InvalidDataException($"{f}: empty stage record"))
            .ToList();
    }
}
