using Dice.Models.Unet;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Dice.Exporter.Tests;

/// <summary>
/// The UNet's timestep input: float32 by default, so a fractional timestep reaches the sinusoidal embedding; int64
/// on request. The same weights give the same output for an integral timestep either way (an int64 → float32 cast
/// of 500 is exact), and a fraction changes the output of the float model.
/// </summary>
public sealed class UnetTimestepTests
{
    [Fact]
    public void Float_timesteps_are_declared_float32_and_embed_their_fraction()
    {
        var config = UNet2DConditionConfig.Tiny(crossAttentionDim: 16);
        using var directory = new TempDirectory();
        var floatPath = ComponentExporter.ExportUnet(directory.File("float/model.onnx"), config, new RandomWeightSource(5)).ModelPath;
        var int64Path = ComponentExporter.ExportUnet(directory.File("int64/model.onnx"), config, new RandomWeightSource(5),
            int64Timestep: true).ModelPath;
        using var floatModel = new OrtRunner(floatPath);
        using var int64Model = new OrtRunner(int64Path);
        Assert.Equal(TensorElementType.Float, floatModel.Session.InputMetadata["timestep"].ElementDataType);
        Assert.Equal(TensorElementType.Int64, int64Model.Session.InputMetadata["timestep"].ElementDataType);

        var sample = TensorData.Float(Reference.Values(4 * 8 * 8, 1), 1, 4, 8, 8);
        var context = TensorData.Float(Reference.Values(7 * 16, 2), 1, 7, 16);
        float[] Run(OrtRunner runner, TensorData timestep) =>
            runner.Run(("sample", sample), ("timestep", timestep), ("encoder_hidden_states", context))["out_sample"].Floats;

        var atFloat500 = Run(floatModel, TensorData.Float([500f], 1));
        var atInt500 = Run(int64Model, TensorData.Int64([500], 1));
        var atFloat500Half = Run(floatModel, TensorData.Float([500.5f], 1));
        Assert.Equal(atInt500, atFloat500);
        var change = atFloat500.Zip(atFloat500Half, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(change > 1e-4f, $"t = 500.5 gave the output of t = 500 (largest difference {change})");
    }
}
