using Dice.Models;

namespace Dice.Exporter;

/// <summary>How <see cref="OnnxModelExporter"/> writes a model.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>Protobuf messages cannot exceed 2 GiB; this leaves room for the graph itself.</summary>
    public const long DefaultExternalDataThreshold = (2L << 30) - (128L << 20);

    public OnnxPrecision Precision { get; init; } = OnnxPrecision.Float32;

    public ExternalDataMode ExternalData { get; init; } = ExternalDataMode.Auto;

    /// <summary>Total initializer bytes above which <see cref="ExternalDataMode.Auto"/> moves them to model.onnx_data.</summary>
    public long ExternalDataThreshold { get; init; } = DefaultExternalDataThreshold;

    /// <summary>The component ("unet", "text_encoder", …), stored as metadata "dice.component" and used as the graph name.</summary>
    public string? ComponentName { get; init; }

    /// <summary>The component's configuration as JSON, stored as metadata "dice.config".</summary>
    public string? ConfigJson { get; init; }

    /// <summary>Further metadata_props entries.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Told of each parameter once its values are written.</summary>
    public IProgress<ParameterSpec>? Progress { get; init; }
}
