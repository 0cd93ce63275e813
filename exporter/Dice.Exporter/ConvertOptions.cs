namespace Dice.Exporter;

/// <summary>How <see cref="StableDiffusionConverter"/> writes a model folder.</summary>
public sealed record ConvertOptions
{
    public static IReadOnlyList<string> AllComponents { get; } =
        [ComponentExporter.TextEncoder, ComponentExporter.Unet, ComponentExporter.VaeDecoder, ComponentExporter.VaeEncoder];

    public OnnxPrecision Precision { get; init; } = OnnxPrecision.Float32;

    /// <summary>When set, every parameter is drawn from its default initialisation with this seed instead of read
    /// from the source's weights (for latency work: speed does not depend on weight values).</summary>
    public ulong? RandomWeightsSeed { get; init; }

    public IReadOnlyList<string> Components { get; init; } = AllComponents;

    /// <summary>
    /// Declare the UNet's timestep int64, as Optimum's exports do (fractional timesteps then arrive truncated);
    /// by default it is float32. For compatibility tests and tools that feed integers only.
    /// </summary>
    public bool UnetInt64Timestep { get; init; }

    /// <summary>Replace an existing output folder.</summary>
    public bool Overwrite { get; init; }
}

/// <summary>Progress of a conversion: parameters written so far, over all components.</summary>
public sealed record ConvertProgress(string Component, long ParametersDone, long ParametersTotal);
