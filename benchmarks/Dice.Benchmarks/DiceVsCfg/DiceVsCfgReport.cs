namespace Dice.Benchmarks.DiceVsCfg;

/// <summary>One pipeline benchmark case: the mean time of one generation of <paramref name="Batch"/> images (from
/// BenchmarkDotNet) and the pipeline's own stage split, averaged over the case's generations (null if not recorded).</summary>
public sealed record CaseMeasurement(GuidanceMode Mode, int Batch, double SecondsPerGeneration, StageSample? Stages);

/// <summary>The text encoders on <paramref name="Batch"/> prompts (from the encoder suite), seconds per call; and the fused
/// sharpener graph alone on as many embeddings, when measured.</summary>
public sealed record EncoderMeasurement(int Batch, double TextEncoderSeconds, double TextEncoderDiceSeconds, double? SharpenerAloneSeconds = null);

/// <summary>The machine the numbers were taken on.</summary>
public sealed record MachineInfo(string Cpu, int PhysicalCores, int LogicalCores, string Os, string DotNet, string OnnxRuntime);

/// <summary>What a model's suites ran: sizes and sampler.</summary>
public sealed record ModelSettings(string Size, int Steps, string Scheduler, double CfgScale, string Prompt);

/// <summary>The split of one image's time, seconds per image (a generation's stage time over its batch).</summary>
/// <param name="UnetCalls">UNet calls per generation.</param>
/// <param name="UnetCallBatch">Batch of each call (2N under batched CFG).</param>
public sealed record StageSplit(double TextEncoder, double UnetLoop, double Vae, int UnetCalls, int UnetCallBatch);

public sealed record ModeReport(string Mode, double SecondsPerGeneration, double SecondsPerImage, double ImagesPerSecond, StageSplit? Stages);

/// <summary>
/// The sharpener's cost: text_encoder_dice minus text_encoder for one generation's prompts, per image, and as a
/// share of a DICE image's time. <paramref name="Source"/> says where the encoder times come from. The sharpener
/// graph alone, per image and as a share, when the encoder suite measured it.
/// </summary>
public sealed record SharpenerCost(double TextEncoderSeconds, double TextEncoderDiceSeconds, double SecondsPerImage, double ShareOfDiceImage,
    string Source, double? AloneSecondsPerImage = null, double? AloneShareOfDiceImage = null);

/// <param name="DiceOverCfgSequential">DICE's per-image latency over sequential CFG's (below 1: DICE is faster; its inverse is the
/// images/s ratio).</param>
/// <param name="DiceOverCfgBatched">The same against batched CFG.</param>
public sealed record BatchReport(int Batch, IReadOnlyList<ModeReport> Modes, double? DiceOverCfgSequential, double? DiceOverCfgBatched,
    SharpenerCost? Sharpener);

public sealed record ModelReport(string Model, string Folder, ModelSettings Settings, string Job, DateTimeOffset Measured, MachineInfo Machine,
    IReadOnlyList<BatchReport> Batches);

/// <summary>benchmarks/results/dice-vs-cfg.json: one section per model, each from its latest run.</summary>
public sealed record DiceVsCfgReport(IReadOnlyList<ModelReport> Models);

/// <summary>The arithmetic of the report, from measurements to per-image numbers and ratios.</summary>
public static class DiceVsCfgArithmetic
{
    public const string FromEncoderSuite = "encoder suite";
    public const string FromPipelineStages = "pipeline stages (dice minus unguided text encoding)";

    /// <summary>The batch reports, one per batch in ascending order, modes in <see cref="GuidanceMode"/> order.</summary>
    public static IReadOnlyList<BatchReport> Batches(IEnumerable<CaseMeasurement> cases, IEnumerable<EncoderMeasurement> encoders)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(encoders);
        var encoderByBatch = encoders.GroupBy(e => e.Batch).ToDictionary(g => g.Key, g => g.Last());
        return cases.GroupBy(c => c.Batch).OrderBy(g => g.Key).Select(g =>
        {
            var byMode = g.GroupBy(c => c.Mode).ToDictionary(m => m.Key, m => m.Last());
            var modes = Enum.GetValues<GuidanceMode>().Where(byMode.ContainsKey).Select(m => Mode(byMode[m])).ToList();
            var perImage = modes.ToDictionary(m => GuidanceModes.Parse(m.Mode), m => m.SecondsPerImage);
            return new BatchReport(g.Key, modes,
                Ratio(perImage, GuidanceMode.Dice, GuidanceMode.CfgSequential),
                Ratio(perImage, GuidanceMode.Dice, GuidanceMode.CfgBatched),
                Sharpener(g.Key, byMode, encoderByBatch.GetValueOrDefault(g.Key)));
        }).ToList();
    }

    public static ModeReport Mode(CaseMeasurement measurement)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        if (measurement.Batch <= 0 || !(measurement.SecondsPerGeneration > 0))
        {
            throw new ArgumentException($"a measurement needs a positive batch and time, not {measurement}", nameof(measurement));
        }
        var n = (double)measurement.Batch;
        var stages = measurement.Stages is { } s
            ? new StageSplit(s.TextEncoderSeconds / n, s.UnetLoopSeconds / n, s.VaeSeconds / n, s.UnetCalls, s.UnetCallBatch)
            : null;
        return new ModeReport(measurement.Mode.Label(), measurement.SecondsPerGeneration, measurement.SecondsPerGeneration / n,
            n / measurement.SecondsPerGeneration, stages);
    }

    /// <summary>Per-image latency of <paramref name="numerator"/> over that of <paramref name="denominator"/>, or null when either is missing.</summary>
    public static double? Ratio(IReadOnlyDictionary<GuidanceMode, double> secondsPerImage, GuidanceMode numerator, GuidanceMode denominator)
    {
        ArgumentNullException.ThrowIfNull(secondsPerImage);
        return secondsPerImage.TryGetValue(numerator, out var a) && secondsPerImage.TryGetValue(denominator, out var b) && b > 0 ? a / b : null;
    }

    /// <summary>
    /// (text_encoder_dice − text_encoder) for one generation's N prompts, over a DICE generation's time (equivalently,
    /// per image over DICE's per-image time). Encoder times from the encoder suite when it ran for this batch, else
    /// from the pipeline's own stage times (DICE's text encoding minus unguided's, both on N prompts); null without either.
    /// </summary>
    public static SharpenerCost? Sharpener(int batch, IReadOnlyDictionary<GuidanceMode, CaseMeasurement> byMode, EncoderMeasurement? encoder)
    {
        ArgumentNullException.ThrowIfNull(byMode);
        if (!byMode.TryGetValue(GuidanceMode.Dice, out var dice))
        {
            return null;
        }
        double plain, fused;
        string source;
        if (encoder is not null)
        {
            (plain, fused, source) = (encoder.TextEncoderSeconds, encoder.TextEncoderDiceSeconds, FromEncoderSuite);
        }
        else if (dice.Stages is { } diceStages && byMode.TryGetValue(GuidanceMode.Unguided, out var unguided) && unguided.Stages is { } plainStages)
        {
            (plain, fused, source) = (plainStages.TextEncoderSeconds, diceStages.TextEncoderSeconds, FromPipelineStages);
        }
        else
        {
            return null;
        }
        var extra = fused - plain;
        var alone = encoder?.SharpenerAloneSeconds;
        return new SharpenerCost(plain, fused, extra / batch, extra / dice.SecondsPerGeneration, source,
            alone / batch, alone / dice.SecondsPerGeneration);
    }
}
