using Dice.Models.Clip;
using Dice.Models.Unet;
using Dice.Models.Vae;

namespace Dice.Exporter.Tests;

/// <summary>Half-precision exports of each component load and run in ONNX Runtime (CPU) and agree loosely with float32.</summary>
public sealed class Float16ComponentTests
{
    private static readonly OnnxExportOptions Half = new() { Precision = OnnxPrecision.Float16 };

    [Fact]
    public void Text_encoder()
    {
        var config = new ClipTextConfig { VocabSize = 50, HiddenSize = 16, IntermediateSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 2, MaxPositionEmbeddings = 8 };
        int[] ids = [48, 3, 17, 49, 49, 48, 5, 49, 49, 49];
        Compare((path, options) => ComponentExporter.ExportTextEncoder(path, config, new RandomWeightSource(1), options),
            ("input_ids", TensorData.Int32(ids, 2, 5)));
    }

    [Fact]
    public void Unet()
    {
        var config = UNet2DConditionConfig.Tiny(crossAttentionDim: 16);
        Compare((path, options) => ComponentExporter.ExportUnet(path, config, new RandomWeightSource(2), options),
            ("sample", TensorData.Float(Reference.Values(2 * 4 * 8 * 8, 1), 2, 4, 8, 8)),
            ("timestep", TensorData.Float([981.5f], 1)),
            ("encoder_hidden_states", TensorData.Float(Reference.Values(2 * 7 * 16, 2), 2, 7, 16)));
    }

    [Fact]
    public void Vae_decoder_and_encoder()
    {
        var config = AutoencoderKLConfig.Tiny();
        Compare((path, options) => ComponentExporter.ExportVaeDecoder(path, config, new RandomWeightSource(3), options),
            ("latent_sample", TensorData.Float(Reference.Values(2 * 4 * 3 * 3, 3, 2), 2, 4, 3, 3)));
        Compare((path, options) => ComponentExporter.ExportVaeEncoder(path, config, new RandomWeightSource(3), options),
            ("sample", TensorData.Float(Reference.Values(1 * 3 * 16 * 24, 4), 1, 3, 16, 24)));
    }

    private static void Compare(Func<string, OnnxExportOptions?, OnnxExportResult> export, params (string Name, TensorData Data)[] inputs)
    {
        using var directory = new TempDirectory();
        var single = OrtRunner.RunOnce(export(directory.File("float32/model.onnx"), null).ModelPath, inputs);
        var half = OrtRunner.RunOnce(export(directory.File("float16/model.onnx"), Half).ModelPath, inputs);
        foreach (var (name, expected) in single)
        {
            Assert.Equal(expected.Shape, half[name].Shape);
            var scale = expected.Floats.Max(Math.Abs);
            Reference.AssertClose(expected.Floats, half[name].Floats, 2e-2, 2e-2 * scale);
        }
    }
}
