using Dice.Onnx;

namespace Dice.Exporter.Tests;

/// <summary>Exports small graphs recorded on <see cref="OnnxOps"/> for op-level tests.</summary>
internal static class TestGraph
{
    /// <summary>A float input whose dims are all dynamic ("{name}_0", "{name}_1", …).</summary>
    public static OnnxTensorSpec Dynamic(string name, int rank) =>
        OnnxTensorSpec.Float(name, Enumerable.Range(0, rank).Select(i => TensorDimension.Symbolic($"{name}_{i}")).ToArray());

    /// <summary>Exports <paramref name="forward"/> with outputs "y0", "y1", … of the given ranks (dynamic dims, compute type).</summary>
    public static string Export(TempDirectory directory, OnnxTensorSpec[] inputs, int[] outputRanks,
        Func<OnnxOps, IReadOnlyList<OnnxValue>, IReadOnlyList<OnnxValue>> forward, IWeightSource? weights = null,
        OnnxExportOptions? options = null, string fileName = "model.onnx")
    {
        var outputs = outputRanks.Select((rank, i) => Dynamic($"y{i}", rank)).ToArray();
        var path = directory.File(fileName);
        OnnxModelExporter.Export(path, inputs, outputs, forward, weights ?? new RandomWeightSource(1), options);
        return path;
    }

    /// <summary>Exports a one-output graph and runs it once.</summary>
    public static TensorData ExportAndRun(OnnxTensorSpec[] inputs, int outputRank,
        Func<OnnxOps, IReadOnlyList<OnnxValue>, OnnxValue> forward, params TensorData[] data) =>
        ExportAndRunWith(inputs, outputRank, forward, [], data);

    /// <summary>Exports a one-output graph whose parameters take the given values, and runs it once.</summary>
    public static TensorData ExportAndRunWith(OnnxTensorSpec[] inputs, int outputRank,
        Func<OnnxOps, IReadOnlyList<OnnxValue>, OnnxValue> forward, Dictionary<string, float[]> weights, params TensorData[] data)
    {
        using var directory = new TempDirectory();
        var path = Export(directory, inputs, [outputRank], (ops, x) => [forward(ops, x)], new DictionaryWeightSource(weights));
        return OrtRunner.RunOnce(path, inputs.Zip(data, (spec, d) => (spec.Name, d)).ToArray())["y0"];
    }
}
