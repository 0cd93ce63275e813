using Dice.Models.Clip;
using Dice.Models.Sharpener;
using Dice.Models.Unet;
using Dice.Models.Vae;
using Dice.Trainer;
using static TorchSharp.torch;

namespace Dice.Exporter.Tests;

/// <summary>
/// Each architecture, defined once, run two ways: eagerly by libtorch (TorchOps) and as the exported ONNX graph in
/// ONNX Runtime, with the same weights and inputs, at two batch sizes from one exported file.
/// </summary>
public sealed class TorchParityTests
{
    private const double Relative = 1e-4;

    [Fact]
    public void Sharpener_matches_libtorch()
    {
        var config = new SharpenerConfig(EmbeddingDim: 24, InnerDim: 16, Heads: 4);
        using var scope = NewDisposeScope();
        using var torchOps = new TorchOps(seed: 11);
        var model = new DiceSharpener<Tensor>(torchOps, config);
        using var directory = new TempDirectory();
        var path = ComponentExporter.ExportSharpener(directory.File("model.onnx"), config, new DictionaryWeightSource(StateDict(torchOps))).ModelPath;
        using var runner = new OrtRunner(path);

        foreach (var (batch, nullBatch) in new[] { (1, 1), (3, 1), (3, 3) })
        {
            var c = Reference.Values(batch * 7 * 24, batch);
            var cNull = Reference.Values(nullBatch * 7 * 24, 10 + nullBatch);
            float[] expected;
            using (no_grad())
            {
                expected = model.Forward(tensor(c, [batch, 7, 24]), tensor(cNull, [nullBatch, 7, 24])).data<float>().ToArray();
            }
            var actual = runner.Run(("c", TensorData.Float(c, batch, 7, 24)), ("c_null", TensorData.Float(cNull, nullBatch, 7, 24)))["r"];
            Assert.Equal([batch, 7, 24], actual.Shape);
            AssertAgree(expected, actual.Floats);
        }
    }

    [Fact]
    public void Clip_text_encoder_matches_libtorch_at_any_batch_and_length()
    {
        var config = new ClipTextConfig
        {
            VocabSize = 50, HiddenSize = 16, IntermediateSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 2, MaxPositionEmbeddings = 8,
        };
        using var scope = NewDisposeScope();
        using var torchOps = new TorchOps(seed: 12);
        var model = new ClipTextModel<Tensor>(torchOps, config);
        using var directory = new TempDirectory();
        var path = ComponentExporter.ExportTextEncoder(directory.File("text_encoder/model.onnx"), config,
            new DictionaryWeightSource(StateDict(torchOps))).ModelPath;
        using var runner = new OrtRunner(path);

        foreach (var (batch, length) in new[] { (1, 8), (3, 5) })
        {
            var random = new Random(batch);
            // Start token, words, end token (the largest id), then padding with the end token as SD's tokenizer does.
            var ids = Enumerable.Range(0, batch).SelectMany(b => Enumerable.Range(0, length).Select(i =>
                i == 0 ? 48 : i < length - 1 - b ? random.Next(1, 48) : 49)).ToArray();
            Tensor last, pooled;
            using (no_grad())
            {
                var output = model.Forward(tensor(ids.Select(i => (long)i).ToArray(), [batch, length]));
                (last, pooled) = (output.LastHiddenState, output.PoolerOutput);
            }
            var actual = runner.Run(("input_ids", TensorData.Int32(ids, batch, length)));
            Assert.Equal([batch, length, 16], actual["last_hidden_state"].Shape);
            Assert.Equal([batch, 16], actual["pooler_output"].Shape);
            AssertAgree(last.data<float>().ToArray(), actual["last_hidden_state"].Floats);
            AssertAgree(pooled.data<float>().ToArray(), actual["pooler_output"].Floats);
        }
    }

    [Fact]
    public void Unet_matches_libtorch_with_per_item_or_shared_timesteps()
    {
        var config = UNet2DConditionConfig.Tiny(crossAttentionDim: 16);
        using var scope = NewDisposeScope();
        using var torchOps = new TorchOps(seed: 13);
        var model = new UNet2DConditionModel<Tensor>(torchOps, config);
        using var directory = new TempDirectory();
        var path = ComponentExporter.ExportUnet(directory.File("unet/model.onnx"), config, new DictionaryWeightSource(StateDict(torchOps))).ModelPath;
        using var runner = new OrtRunner(path);

        foreach (var (batch, height, width, timesteps) in new[] { (1, 8, 8, new float[] { 999 }), (2, 16, 8, [1]), (3, 8, 16, [10.5f, 500.25f, 981]) })
        {
            var sample = Reference.Values(batch * 4 * height * width, batch);
            var context = Reference.Values(batch * 7 * 16, 20 + batch);
            float[] expected;
            using (no_grad())
            {
                expected = model.Forward(tensor(sample, [batch, 4, height, width]), tensor(timesteps, [timesteps.Length]),
                    tensor(context, [batch, 7, 16])).data<float>().ToArray();
            }
            var actual = runner.Run(("sample", TensorData.Float(sample, batch, 4, height, width)),
                ("timestep", TensorData.Float(timesteps, timesteps.Length)), ("encoder_hidden_states", TensorData.Float(context, batch, 7, 16)));
            Assert.Equal([batch, 4, height, width], actual["out_sample"].Shape);
            AssertAgree(expected, actual["out_sample"].Floats);
        }
    }

    [Fact]
    public void Vae_decoder_and_encoder_match_libtorch()
    {
        var config = AutoencoderKLConfig.Tiny();
        using var scope = NewDisposeScope();
        using var torchOps = new TorchOps(seed: 14);
        var vae = new AutoencoderKL<Tensor>(torchOps, config);
        var weights = new DictionaryWeightSource(StateDict(torchOps));
        using var directory = new TempDirectory();
        var decoderPath = ComponentExporter.ExportVaeDecoder(directory.File("vae_decoder/model.onnx"), config, weights).ModelPath;
        var encoderPath = ComponentExporter.ExportVaeEncoder(directory.File("vae_encoder/model.onnx"), config, weights).ModelPath;
        using var decoder = new OrtRunner(decoderPath);
        using var encoder = new OrtRunner(encoderPath);

        foreach (var (batch, height, width) in new[] { (1, 4, 4), (2, 2, 6) })
        {
            var latents = Reference.Values(batch * 4 * height * width, batch, 2);
            var image = Reference.Values(batch * 3 * height * 8 * width * 8, 30 + batch);
            float[] decoded, moments;
            using (no_grad())
            {
                decoded = vae.Decode(tensor(latents, [batch, 4, height, width])).data<float>().ToArray();
                moments = vae.Encode(tensor(image, [batch, 3, height * 8, width * 8])).data<float>().ToArray();
            }
            var sample = decoder.Run(("latent_sample", TensorData.Float(latents, batch, 4, height, width)))["sample"];
            Assert.Equal([batch, 3, height * 8, width * 8], sample.Shape);
            AssertAgree(decoded, sample.Floats);
            var parameters = encoder.Run(("sample", TensorData.Float(image, batch, 3, height * 8, width * 8)))["latent_parameters"];
            Assert.Equal([batch, 8, height, width], parameters.Shape);
            AssertAgree(moments, parameters.Floats);
        }
    }

    private static Dictionary<string, float[]> StateDict(TorchOps ops) =>
        ops.StateDict().ToDictionary(p => p.Key, p =>
        {
            using var detached = p.Value.detach();
            return detached.data<float>().ToArray();
        }, StringComparer.Ordinal);

    /// <summary>Relative agreement, with an absolute floor scaled to the output's magnitude for values near zero.</summary>
    private static void AssertAgree(float[] expected, float[] actual)
    {
        var scale = expected.Max(Math.Abs);
        Assert.True(scale > 1e-3, $"the output is too close to zero ({scale}) to compare meaningfully");
        Reference.AssertClose(expected, actual, Relative, Relative * scale);
    }
}
