namespace Dice.Exporter;

/// <summary>Where an exported model keeps its initializers.</summary>
public enum ExternalDataMode
{
    /// <summary>Inside model.onnx unless they exceed <see cref="OnnxExportOptions.ExternalDataThreshold"/>.</summary>
    Auto,

    /// <summary>Always in a "model.onnx_data" file beside model.onnx.</summary>
    Always,

    /// <summary>Always inside model.onnx; an export too large for one protobuf fails.</summary>
    Never,
}
