using System.Diagnostics;
using Dice.Models.Clip;
using Dice.Models.Unet;
using Dice.Models.Vae;
using Xunit.Abstractions;

namespace Dice.Exporter.Tests;

/// <summary>SD1.5-size exports with random weights (GBs on disk, ~1 min): streamed external data, loadable by ONNX Runtime.
/// The memory bound is measured in a process of its own (Dice.Cli.Tests' ConvertMemoryPeakTests).</summary>
[Trait(Tier.Name, Tier.Slow)]
public sealed class LargeExportTests(ITestOutputHelper output)
{
    [Fact]
    public void Sd15_unet_streams_its_weights_to_external_data_and_runs()
    {
        using var directory = new TempDirectory();
        var stopwatch = Stopwatch.StartNew();
        var result = ComponentExporter.ExportUnet(directory.File("unet/model.onnx"), UNet2DConditionConfig.StableDiffusion15, new RandomWeightSource(1));
        var exportSeconds = stopwatch.Elapsed.TotalSeconds;
        output.WriteLine($"export {exportSeconds:F1} s, {result.ParameterCount:N0} parameters, {result.InitializerBytes:N0} bytes, "
            + $"model.onnx {new FileInfo(result.ModelPath).Length:N0} B");

        Assert.Equal(859_520_964, result.ParameterCount);
        Assert.NotNull(result.DataPath);
        Assert.True(new FileInfo(result.DataPath).Length >= result.ParameterCount * 4);
        Assert.True(new FileInfo(result.ModelPath).Length < 4 << 20, "the graph holds no weights");

        stopwatch.Restart();
        var y = OrtRunner.RunOnce(result.ModelPath,
            ("sample", TensorData.Float(Reference.Values(2 * 4 * 8 * 8, 1), 2, 4, 8, 8)),
            ("timestep", TensorData.Float([999f], 1)),
            ("encoder_hidden_states", TensorData.Float(Reference.Values(2 * 77 * 768, 2), 2, 77, 768)))["out_sample"];
        output.WriteLine($"load and run {stopwatch.Elapsed.TotalSeconds:F1} s");
        Assert.Equal([2, 4, 8, 8], y.Shape);
        Assert.All(y.Floats, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Sd15_text_encoder_and_vae_decoder_embed_their_weights_and_run()
    {
        using var directory = new TempDirectory();
        var stopwatch = Stopwatch.StartNew();
        var text = ComponentExporter.ExportTextEncoder(directory.File("text_encoder/model.onnx"), ClipTextConfig.StableDiffusion15, new RandomWeightSource(2));
        var vae = ComponentExporter.ExportVaeDecoder(directory.File("vae_decoder/model.onnx"), AutoencoderKLConfig.StableDiffusion15, new RandomWeightSource(3),
            new OnnxExportOptions { Precision = OnnxPrecision.Float16 });
        output.WriteLine($"export {stopwatch.Elapsed.TotalSeconds:F1} s: text encoder {text.ParameterCount:N0}, vae decoder {vae.ParameterCount:N0} parameters");
        Assert.Null(text.DataPath);
        Assert.Null(vae.DataPath);
        Assert.Equal(123_060_480, text.ParameterCount);

        var ids = new int[77];
        Array.Fill(ids, 49407);
        ids[0] = 49406;
        ids[1] = 320;
        var encoded = OrtRunner.RunOnce(text.ModelPath, ("input_ids", TensorData.Int32(ids, 1, 77)));
        Assert.Equal([1, 77, 768], encoded["last_hidden_state"].Shape);
        Assert.Equal(encoded["last_hidden_state"].Floats.AsSpan(2 * 768, 768).ToArray(), encoded["pooler_output"].Floats);

        var image = OrtRunner.RunOnce(vae.ModelPath, ("latent_sample", TensorData.Float(Reference.Values(4 * 8 * 8, 3), 1, 4, 8, 8)))["sample"];
        Assert.Equal([1, 3, 64, 64], image.Shape);
        Assert.All(image.Floats, v => Assert.True(float.IsFinite(v)));
    }
}
