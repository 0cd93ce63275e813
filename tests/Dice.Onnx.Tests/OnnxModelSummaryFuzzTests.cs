using Dice.Tests.Shared.Fuzzing;
using Onnx;

namespace Dice.Onnx.Tests;

/// <summary>
/// Seeded fuzzing of the ONNX protobuf reader behind `dice inspect`: every mutated model file is summarised or refused
/// with an <see cref="InvalidDataException"/> naming it, the one type <see cref="OnnxModelSummary.Read"/> documents for
/// a file that is there.
/// </summary>
public class OnnxModelSummaryFuzzTests
{
    public const int Iterations = 3000;

    [Fact]
    public void Mutated_ONNX_models_are_summarised_or_refused_with_invalid_data()
    {
        using var directory = new TempDirectory();
        var sample = SampleModel();
        var path = directory.File("model.onnx");
        File.WriteAllBytes(path, sample);
        Assert.Equal(6, OnnxModelSummary.Read(path).ParameterCount);

        var outcome = FuzzLoop.Run("OnnxModelSummary.Read", Iterations, (seed, i) => ByteMutator.Mutate(sample, seed, i), bytes =>
        {
            File.WriteAllBytes(path, bytes);
            var summary = OnnxModelSummary.Read(path);
            Assert.Equal(summary.InitializerCount > 0, summary.ParameterCount != 0 || summary.InitializerCount > 0);
        }, typeof(InvalidDataException));

        Assert.True(outcome.Refused > 0 && outcome.Parsed > 0, $"{outcome}: the mutations should reach both outcomes");
    }

    [Fact]
    public void A_model_that_imports_a_domain_twice_is_refused_with_invalid_data()
    {
        // Found by the fuzzer: the summary's dictionary threw ArgumentException on the duplicate key.
        using var directory = new TempDirectory();
        var model = ModelProto.Parser.ParseFrom(SampleModel());
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        var path = directory.File("twice.onnx");
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(model));

        var e = Assert.Throws<InvalidDataException>(() => OnnxModelSummary.Read(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("opset domain 'ai.onnx' more than once", e.Message, StringComparison.Ordinal);
    }

    /// <summary>y = x·W + b with a symbolic batch, two opsets and metadata: every field the summary reads.</summary>
    private static byte[] SampleModel()
    {
        var builder = new OnnxGraphBuilder();
        builder.SetOpset(17).SetOpset(1, "com.microsoft").SetMetadata("dice.kind", "fuzz").SetMetadata("dice.version", "1");
        builder.AddInput("x", TensorProto.Types.DataType.Float, "batch", 2);
        builder.AddInitializer("w", [1f, 2f, 3f, 4f], 2, 2);
        builder.AddInitializer("b", [0.5f, -0.5f], 2);
        builder.AddNode("MatMul", ["x", "w"], ["xw"]);
        builder.AddNode("Add", ["xw", "b"], ["y"]);
        builder.AddOutput("y", TensorProto.Types.DataType.Float, "batch", 2);
        return builder.ToBytes();
    }
}
