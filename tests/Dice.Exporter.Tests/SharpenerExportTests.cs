using System.Text.Json;
using Dice.Models.Sharpener;
using Dice.Models.Weights;
using Dice.Safetensors;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Dice.Exporter.Tests;

/// <summary>The sharpener component end to end: export, load in ONNX Runtime, compare with an independent C# computation.</summary>
public sealed class SharpenerExportTests
{
    private const int Length = 5;
    private static readonly SharpenerConfig Config = TestWeights.SmallSharpener;
    private static readonly Dictionary<string, float[]> Weights = TestWeights.Random(TestWeights.SharpenerParameters(Config), 7);

    [Fact]
    public void One_file_runs_at_batch_1_and_3_with_a_shared_or_per_item_null_embedding()
    {
        using var directory = new TempDirectory();
        var result = ComponentExporter.ExportSharpener(directory.File("model.onnx"), Config, new DictionaryWeightSource(Weights));
        Assert.Null(result.DataPath);
        Assert.Equal(Weights.Values.Sum(w => w.Length), result.ParameterCount);

        using var runner = new OrtRunner(result.ModelPath);
        foreach (var (batch, nullBatch) in new[] { (1, 1), (3, 1), (3, 3) })
        {
            var (expected, actual) = Run(runner, batch, nullBatch);
            Reference.AssertClose(expected, actual, 1e-4, 1e-6);
        }
    }

    [Fact]
    public void Float16_export_has_half_inputs_and_outputs_and_agrees_loosely()
    {
        using var directory = new TempDirectory();
        var result = ComponentExporter.ExportSharpener(directory.File("model.onnx"), Config, new DictionaryWeightSource(Weights),
            new OnnxExportOptions { Precision = OnnxPrecision.Float16 });
        using var runner = new OrtRunner(result.ModelPath);
        Assert.Equal(TensorElementType.Float16, runner.Session.InputMetadata["c"].ElementDataType);
        Assert.Equal(TensorElementType.Float16, runner.Session.OutputMetadata["r"].ElementDataType);
        Assert.Equal("float16", runner.Session.ModelMetadata.CustomMetadataMap[OnnxMetadataKeys.Precision]);

        var (expected, actual) = Run(runner, 3, 1);
        var scale = expected.Max(Math.Abs);
        Reference.AssertClose(expected, actual, 1e-2, 1e-2 * scale);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(result.ModelPath));
        Assert.All(model.Graph.Initializer.Where(t => Weights.ContainsKey(t.Name)), t =>
        {
            Assert.Equal((int)TensorProto.Types.DataType.Float16, t.DataType);
            Assert.Equal(Weights[t.Name].Length * 2, t.RawData.Length);
        });
    }

    [Fact]
    public void Forced_external_data_writes_model_onnx_data_beside_the_model_with_the_same_results()
    {
        using var directory = new TempDirectory();
        var embedded = ComponentExporter.ExportSharpener(directory.File("embedded/model.onnx"), Config, new DictionaryWeightSource(Weights));
        var external = ComponentExporter.ExportSharpener(directory.File("external/model.onnx"), Config, new DictionaryWeightSource(Weights),
            new OnnxExportOptions { ExternalData = ExternalDataMode.Always });

        Assert.Equal(["model.onnx", "model.onnx_data"], Directory.GetFiles(directory.File("external")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(directory.File("external/model.onnx_data"), external.DataPath);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(external.ModelPath));
        var parameters = model.Graph.Initializer.Where(t => Weights.ContainsKey(t.Name)).ToList();
        Assert.Equal(Weights.Count, parameters.Count);
        foreach (var tensor in parameters)
        {
            Assert.Equal(TensorProto.Types.DataLocation.External, tensor.DataLocation);
            Assert.True(tensor.RawData.IsEmpty);
            Assert.Equal("model.onnx_data", tensor.ExternalData.Single(e => e.Key == "location").Value);
            Assert.Equal(0, long.Parse(tensor.ExternalData.Single(e => e.Key == "offset").Value, System.Globalization.CultureInfo.InvariantCulture) % 4096);
        }

        using var embeddedRunner = new OrtRunner(embedded.ModelPath);
        using var externalRunner = new OrtRunner(external.ModelPath);
        var (_, fromEmbedded) = Run(embeddedRunner, 3, 1);
        var (_, fromExternal) = Run(externalRunner, 3, 1);
        Assert.Equal(fromEmbedded, fromExternal);
    }

    [Fact]
    public void Auto_moves_weights_out_above_the_threshold_and_Never_refuses()
    {
        using var directory = new TempDirectory();
        var auto = ComponentExporter.ExportSharpener(directory.File("auto/model.onnx"), Config, new DictionaryWeightSource(Weights),
            new OnnxExportOptions { ExternalDataThreshold = 1000 });
        Assert.NotNull(auto.DataPath);
        Assert.True(File.Exists(auto.DataPath));

        Assert.Throws<InvalidOperationException>(() => ComponentExporter.ExportSharpener(directory.File("never/model.onnx"), Config,
            new DictionaryWeightSource(Weights), new OnnxExportOptions { ExternalDataThreshold = 1000, ExternalData = ExternalDataMode.Never }));
        Assert.False(Directory.Exists(directory.File("never")));
    }

    [Fact]
    public void Re_exporting_with_embedded_weights_removes_the_old_data_file()
    {
        using var directory = new TempDirectory();
        var path = directory.File("model.onnx");
        ComponentExporter.ExportSharpener(path, Config, new DictionaryWeightSource(Weights), new OnnxExportOptions { ExternalData = ExternalDataMode.Always });
        Assert.True(File.Exists(directory.File("model.onnx_data")));
        ComponentExporter.ExportSharpener(path, Config, new DictionaryWeightSource(Weights));
        Assert.Equal(["model.onnx"], directory.FileNames());
        using var runner = new OrtRunner(path);
        var (expected, actual) = Run(runner, 1, 1);
        Reference.AssertClose(expected, actual, 1e-4, 1e-6);
    }

    [Fact]
    public void Metadata_carries_the_component_and_its_config_with_IR_8_opset_17_and_named_dynamic_axes()
    {
        using var directory = new TempDirectory();
        var path = directory.File("model.onnx");
        ComponentExporter.ExportSharpener(path, Config, new DictionaryWeightSource(Weights),
            new OnnxExportOptions { Metadata = new Dictionary<string, string> { ["dice.guidance"] = "7.5" } });

        using var runner = new OrtRunner(path);
        var metadata = runner.Session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("sharpener", metadata[OnnxMetadataKeys.Component]);
        Assert.Equal("7.5", metadata["dice.guidance"]);
        using var config = JsonDocument.Parse(metadata[OnnxMetadataKeys.Config]);
        Assert.Equal(16, config.RootElement.GetProperty("embedding_dim").GetInt32());
        Assert.Equal(12, config.RootElement.GetProperty("inner_dim").GetInt32());
        Assert.Equal(3, config.RootElement.GetProperty("heads").GetInt32());
        Assert.Equal(["batch", "sequence", ""], runner.Session.InputMetadata["c"].SymbolicDimensions);
        Assert.Equal(["batch_null", "sequence", ""], runner.Session.InputMetadata["c_null"].SymbolicDimensions);
        Assert.Equal([-1, -1, 16], runner.Session.OutputMetadata["r"].Dimensions);

        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.Equal(8, model.IrVersion);
        Assert.Equal(17, model.OpsetImport.Single(o => o.Domain.Length == 0).Version);
        Assert.Equal("sharpener", model.Graph.Name);
        Assert.Equal(["c", "c_null"], model.Graph.Input.Select(i => i.Name));
        Assert.Equal(["r"], model.Graph.Output.Select(o => o.Name));
        Assert.Equal(Weights.Keys.Order(StringComparer.Ordinal),
            model.Graph.Initializer.Select(t => t.Name).Where(n => !n.StartsWith('/')).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(ExternalDataMode.Auto)]
    [InlineData(ExternalDataMode.Always)]
    public void A_failed_export_leaves_no_files_and_keeps_the_previous_model(ExternalDataMode mode)
    {
        using var directory = new TempDirectory();
        var options = new OnnxExportOptions { ExternalData = mode };
        var failing = new ThrowingWeightSource(new DictionaryWeightSource(Weights), succeed: 3);

        var error = Assert.Throws<InvalidDataException>(() =>
            ComponentExporter.ExportSharpener(directory.File("new/deeper/model.onnx"), Config, failing, options));
        Assert.Contains("checkpoint broken", error.Message, StringComparison.Ordinal);
        Assert.Empty(directory.FileNames());

        var path = directory.File("model.onnx");
        ComponentExporter.ExportSharpener(path, Config, new DictionaryWeightSource(Weights), options);
        var before = directory.FileNames().ToDictionary(n => n, n => File.ReadAllBytes(directory.File(n)));
        Assert.Throws<InvalidDataException>(() => ComponentExporter.ExportSharpener(path, Config,
            new ThrowingWeightSource(new RandomWeightSource(99), succeed: 5), options));
        Assert.Equal(before.Keys, directory.FileNames());
        foreach (var (name, bytes) in before)
        {
            Assert.Equal(bytes, File.ReadAllBytes(directory.File(name)));
        }
    }

    [Fact]
    public void A_missing_weight_fails_with_its_name_and_leaves_no_files()
    {
        using var directory = new TempDirectory();
        var partial = Weights.Where(w => w.Key != "attention.to_k.weight").ToDictionary();
        var error = Assert.Throws<KeyNotFoundException>(() =>
            ComponentExporter.ExportSharpener(directory.File("model.onnx"), Config, new DictionaryWeightSource(partial)));
        Assert.Contains("attention.to_k.weight", error.Message, StringComparison.Ordinal);
        Assert.Empty(directory.FileNames());
    }

    [Fact]
    public void Exports_are_byte_for_byte_deterministic()
    {
        using var directory = new TempDirectory();
        ComponentExporter.ExportSharpener(directory.File("a.onnx"), Config, new RandomWeightSource(5));
        ComponentExporter.ExportSharpener(directory.File("b.onnx"), Config, new RandomWeightSource(5));
        ComponentExporter.ExportSharpener(directory.File("c.onnx"), Config, new RandomWeightSource(6));
        Assert.Equal(File.ReadAllBytes(directory.File("a.onnx")), File.ReadAllBytes(directory.File("b.onnx")));
        Assert.NotEqual(File.ReadAllBytes(directory.File("a.onnx")), File.ReadAllBytes(directory.File("c.onnx")));
    }

    [Fact]
    public void Safetensors_checkpoints_give_the_same_model_read_directly_or_validated()
    {
        using var directory = new TempDirectory();
        var writer = new SafetensorsWriter();
        foreach (var parameter in TestWeights.SharpenerParameters(Config))
        {
            writer.AddFloat32(parameter.Name, parameter.Shape.ToArray(), Weights[parameter.Name]);
        }
        var checkpoint = directory.File("sharpener.safetensors");
        writer.Write(checkpoint);

        ComponentExporter.ExportSharpener(directory.File("dict.onnx"), Config, new DictionaryWeightSource(Weights));
        using (var source = SafetensorsWeightSource.Open(checkpoint))
        {
            ComponentExporter.ExportSharpener(directory.File("direct.onnx"), Config, source);
        }
        using (var validated = WeightSource.Open(checkpoint, TestWeights.SharpenerParameters(Config)))
        {
            ComponentExporter.ExportSharpener(directory.File("validated.onnx"), Config, new CheckpointWeightSource(validated));
        }
        var expected = File.ReadAllBytes(directory.File("dict.onnx"));
        Assert.Equal(expected, File.ReadAllBytes(directory.File("direct.onnx")));
        Assert.Equal(expected, File.ReadAllBytes(directory.File("validated.onnx")));
    }

    [Fact]
    public void A_safetensors_tensor_of_the_wrong_shape_is_refused()
    {
        using var directory = new TempDirectory();
        var writer = new SafetensorsWriter();
        foreach (var parameter in TestWeights.SharpenerParameters(Config))
        {
            long[] shape = parameter.Name == "fc2.bias" ? [1, parameter.Shape[0]] : [.. parameter.Shape];
            writer.AddFloat32(parameter.Name, shape, Weights[parameter.Name]);
        }
        var checkpoint = directory.File("sharpener.safetensors");
        writer.Write(checkpoint);
        using var source = SafetensorsWeightSource.Open(checkpoint);
        var error = Assert.Throws<InvalidDataException>(() => ComponentExporter.ExportSharpener(directory.File("out/model.onnx"), Config, source));
        Assert.Contains("fc2.bias", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory.File("out")));
    }

    private static (float[] Expected, float[] Actual) Run(OrtRunner runner, int batch, int nullBatch)
    {
        var d = Config.EmbeddingDim;
        var c = Reference.Values(batch * Length * d, 100 + batch);
        var cNull = Reference.Values(nullBatch * Length * d, 200 + nullBatch);
        var r = runner.Run(("c", TensorData.Float(c, batch, Length, d)), ("c_null", TensorData.Float(cNull, nullBatch, Length, d)))["r"];
        Assert.Equal([batch, Length, d], r.Shape);
        return (SharpenerReference.Forward(Weights, Config, c, batch, cNull, nullBatch, Length), r.Floats);
    }
}
