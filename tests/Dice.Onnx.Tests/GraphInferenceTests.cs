using Dice.Runtime;
using Dice.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Dice.Onnx.Tests;

/// <summary>Graphs built with OnnxGraphBuilder, run by ONNX Runtime, checked against numbers computed in C#.</summary>
public sealed class GraphInferenceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void Linear_relu_graph_matches_the_managed_computation(int batch)
    {
        using var sessionOptions = SessionOptionsFactory.Create(new RuntimeOptions());
        using var session = new InferenceSession(LinearReluModel.CreateBytes(), sessionOptions);
        float[] input = LinearReluModel.CreateInput(batch);
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [batch, LinearReluModel.InputWidth]);
        using var runOptions = new RunOptions();

        using var outputs = session.Run(runOptions, new Dictionary<string, OrtValue> { ["X"] = inputValue }, ["Y"]);

        float[] expected = LinearReluModel.Compute(input, batch);
        Assert.Contains(expected, v => v == 0f);
        Assert.Contains(expected, v => v > 0f);
        Assert.Equal([batch, LinearReluModel.OutputWidth], outputs[0].GetTensorTypeAndShape().Shape);
        NumericAssert.Close(expected, outputs[0].GetTensorDataAsSpan<float>());
    }

    [Fact]
    public void Batch_dimension_is_symbolic_in_the_loaded_session()
    {
        using var session = new InferenceSession(LinearReluModel.CreateBytes());

        NodeMetadata input = session.InputMetadata["X"];
        Assert.Equal(TensorElementType.Float, input.ElementDataType);
        Assert.Equal([-1, LinearReluModel.InputWidth], input.Dimensions);
        Assert.Equal("batch", input.SymbolicDimensions[0]);
        Assert.Equal([-1, LinearReluModel.OutputWidth], session.OutputMetadata["Y"].Dimensions);
    }

    [Fact]
    public void Metadata_props_and_graph_name_are_readable_from_the_session()
    {
        OnnxGraphBuilder builder = LinearReluModel.CreateBuilder()
            .SetMetadata("dice.component", "sharpener")
            .SetMetadata("dice.guidance", "7.5")
            .SetMetadata("dice.guidance", "5");

        using var session = new InferenceSession(builder.ToBytes());

        ModelMetadata metadata = session.ModelMetadata;
        Assert.Equal("sharpener", metadata.CustomMetadataMap["dice.component"]);
        Assert.Equal("5", metadata.CustomMetadataMap["dice.guidance"]);
        Assert.Equal(2, metadata.CustomMetadataMap.Count);
        Assert.Equal("linear_relu", metadata.GraphName);
        Assert.Equal("dice", metadata.ProducerName);
    }

    [Fact]
    public void Io_binding_with_a_preallocated_output_gives_the_same_numbers_as_run()
    {
        const int batch = 3;
        using var session = new InferenceSession(LinearReluModel.CreateBytes());
        float[] input = LinearReluModel.CreateInput(batch);
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [batch, LinearReluModel.InputWidth]);
        using var runOptions = new RunOptions();
        using var plain = session.Run(runOptions, new Dictionary<string, OrtValue> { ["X"] = inputValue }, ["Y"]);

        var outputBuffer = new float[batch * LinearReluModel.OutputWidth];
        Array.Fill(outputBuffer, float.NaN);
        using var outputValue = OrtValue.CreateTensorValueFromMemory(outputBuffer, [batch, LinearReluModel.OutputWidth]);
        using var binding = session.CreateIoBinding();
        binding.BindInput("X", inputValue);
        binding.BindOutput("Y", outputValue);
        session.RunWithBinding(runOptions, binding);

        // The result lands in the caller's buffer itself, not in a copy.
        Assert.Equal(plain[0].GetTensorDataAsSpan<float>().ToArray(), outputBuffer);
        NumericAssert.Close(LinearReluModel.Compute(input, batch), outputBuffer);
    }

    [Fact]
    public void Float16_values_round_trip_through_cast_nodes()
    {
        var builder = new OnnxGraphBuilder("half_scale");
        builder.AddInput("X", TensorProto.Types.DataType.Float16, "n");
        builder.AddInitializer("Two", [2f]);
        builder.AddNode("Cast", ["X"], ["X32"], [OnnxAttribute.Int("to", (long)TensorProto.Types.DataType.Float)]);
        builder.AddNode("Mul", ["X32", "Two"], ["Y32"]);
        builder.AddNode("Cast", ["Y32"], ["Y"], [OnnxAttribute.Int("to", (long)TensorProto.Types.DataType.Float16)]);
        builder.AddOutput("Y", TensorProto.Types.DataType.Float16, "n");
        using var session = new InferenceSession(builder.ToBytes());

        float[] values = [0f, 1f, -2.5f, 0.1f, 1000f, 40000f];
        Float16[] input = values.Select(v => (Float16)v).ToArray();
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [input.Length]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, new Dictionary<string, OrtValue> { ["X"] = inputValue }, ["Y"]);

        Assert.Equal(TensorElementType.Float16, outputs[0].GetTensorTypeAndShape().ElementDataType);
        float[] actual = outputs[0].GetTensorDataAsSpan<Float16>().ToArray().Select(h => (float)h).ToArray();
        // Independently: .NET's Half rounding of 2·(half-rounded input); 2·40000 overflows half to +∞.
        float[] expected = values.Select(v => (float)(Half)(2f * (float)(Half)v)).ToArray();
        Assert.Equal(expected, actual);
        Assert.True(float.IsPositiveInfinity(actual[^1]));
    }
}
