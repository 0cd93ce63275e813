using Dice.Exporter;
using Dice.Models.Classifier;
using Dice.Runtime;
using Dice.Trainer;
using Dice.Trainer.Classifier;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace Dice.Trainer.Tests.Classifier;

public sealed class ClassifierExportTests
{
    private const double Relative = 1e-4;

    [Fact]
    public void Onnx_export_matches_libtorch_at_batch_1_and_3()
    {
        var config = AttributeClassifierTrainer.DefaultConfig();
        using var scope = NewDisposeScope();
        using var torchOps = new TorchOps(seed: 21);
        var model = new AttributeClassifier<Tensor>(torchOps, config);
        using var directory = new TempDirectory();
        var result = ClassifierExporter.Export(directory.File("classifier/model.onnx"), config, new DictionaryWeightSource(StateDict(torchOps)));
        Assert.Equal(torchOps.ParameterCount, result.ParameterCount);
        using var sessionOptions = SessionOptionsFactory.Create(new RuntimeOptions());
        using var session = new InferenceSession(result.ModelPath, sessionOptions);
        Assert.Equal([ClassifierExporter.InputName], session.InputNames);
        Assert.Equal([ClassifierExporter.OutputName, ClassifierExporter.FeaturesName], session.OutputNames);
        Assert.Equal([-1, 3, 32, 32], session.InputMetadata["image"].Dimensions);
        Assert.Equal([-1, 50], session.OutputMetadata["logits"].Dimensions);

        foreach (var batch in new[] { 1, 3 })
        {
            var image = Values(batch * 3 * 32 * 32, batch);
            float[] expected;
            using (no_grad())
            {
                expected = model.Forward(tensor(image, [batch, 3, 32, 32])).data<float>().ToArray();
            }
            using var input = OrtValue.CreateTensorValueFromMemory(image, [batch, 3, 32, 32]);
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, ["image"], [input], ["logits"]);
            Assert.Equal([batch, 50], outputs[0].GetTensorTypeAndShape().Shape);
            var actual = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            AssertAgree(expected, actual, batch);
        }
    }

    [Fact]
    public void Metadata_carries_the_config_and_the_heads()
    {
        var config = AttributeClassifierTrainer.DefaultConfig() with { Widths = [16, 16, 32, 32], HiddenDim = 32 };
        using var scope = NewDisposeScope();
        using var torchOps = new TorchOps(seed: 22);
        _ = new AttributeClassifier<Tensor>(torchOps, config);
        using var directory = new TempDirectory();
        var path = ClassifierExporter.Export(directory.File("model.onnx"), config, new DictionaryWeightSource(StateDict(torchOps)),
            new OnnxExportOptions { Metadata = new Dictionary<string, string> { ["dice.note"] = "kept" } }).ModelPath;
        using var sessionOptions = SessionOptionsFactory.Create(new RuntimeOptions());
        using var session = new InferenceSession(path, sessionOptions);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal(ClassifierExporter.ComponentName, metadata[OnnxMetadataKeys.Component]);
        Assert.Equal(config.ToJson(), metadata[OnnxMetadataKeys.Config]);
        Assert.Equal(config.Widths, AttributeClassifierConfig.FromJson(metadata[OnnxMetadataKeys.Config]).Widths);
        Assert.Equal(
            "count:2,background:8,object1.shape:3,object1.color:8,object1.size:2,object1.position:5,"
            + "object2.shape:4,object2.color:9,object2.size:3,object2.position:6",
            metadata[ClassifierExporter.HeadsKey]);
        Assert.Equal("kept", metadata["dice.note"]);
    }

    private static Dictionary<string, float[]> StateDict(TorchOps ops) =>
        ops.StateDict().ToDictionary(p => p.Key, p =>
        {
            using var detached = p.Value.detach();
            return detached.data<float>().ToArray();
        }, StringComparer.Ordinal);

    /// <summary>Deterministic values in [−1, 1] (an image's range).</summary>
    private static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
    }

    /// <summary>Relative agreement, with an absolute floor scaled to the output's magnitude for values near zero.</summary>
    private static void AssertAgree(float[] expected, float[] actual, int batch)
    {
        Assert.Equal(expected.Length, actual.Length);
        var scale = expected.Max(Math.Abs);
        Assert.True(scale > 1e-3, $"the logits are too close to zero ({scale}) to compare meaningfully");
        var worst = 0.0;
        var worstIndex = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var excess = Math.Abs(expected[i] - actual[i]) - ((Relative * Math.Abs(expected[i])) + (Relative * scale));
            if (excess > worst)
            {
                worst = excess;
                worstIndex = i;
            }
        }
        Assert.True(worstIndex < 0,
            worstIndex < 0 ? "" : $"batch {batch}: logit {worstIndex} is {actual[worstIndex]} in ONNX Runtime, {expected[worstIndex]} in libtorch");
    }
}
