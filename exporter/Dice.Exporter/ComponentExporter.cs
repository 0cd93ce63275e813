using System.Text.Json;
using Dice.Models.Clip;
using Dice.Models.Sharpener;
using Dice.Models.Unet;
using Dice.Models.Vae;

namespace Dice.Exporter;

/// <summary>
/// The model-folder components, with the Optimum / diffusers ONNX input and output names and named dynamic axes.
/// Each writes the component name and its config JSON into the model's metadata.
/// </summary>
public static class ComponentExporter
{
    public const string TextEncoder = "text_encoder";
    public const string Unet = "unet";
    public const string VaeDecoder = "vae_decoder";
    public const string VaeEncoder = "vae_encoder";
    public const string Sharpener = "sharpener";

    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>input_ids int32 [batch, sequence] → last_hidden_state [batch, sequence, d], pooler_output [batch, d].</summary>
    public static OnnxExportResult ExportTextEncoder(string path, ClipTextConfig config, IWeightSource weights, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var d = config.HiddenSize;
        return OnnxModelExporter.Export(path,
            [OnnxTensorSpec.Int32("input_ids", "batch", "sequence")],
            [OnnxTensorSpec.Float("last_hidden_state", "batch", "sequence", d), OnnxTensorSpec.Float("pooler_output", "batch", d)],
            (ops, x) =>
            {
                var output = new ClipTextModel<OnnxValue>(ops, config).Forward(x[0]);
                return [output.LastHiddenState, output.PoolerOutput];
            },
            weights, Describe(options, TextEncoder, config.ToJson()));
    }

    /// <summary>
    /// sample [batch, C, height, width], timestep float32 [batch] (or [1], broadcast), encoder_hidden_states
    /// [batch, sequence, d] → out_sample [batch, C_out, height, width]. The timestep is float32 whatever the
    /// precision, so the fractional timesteps of Euler-type schedulers reach the sinusoidal embedding unchanged;
    /// <paramref name="int64Timestep"/> declares int64 instead, as Optimum's exports do (fractions then truncate).
    /// </summary>
    public static OnnxExportResult ExportUnet(string path, UNet2DConditionConfig config, IWeightSource weights, OnnxExportOptions? options = null,
        bool int64Timestep = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        return OnnxModelExporter.Export(path,
            [
                OnnxTensorSpec.Float("sample", "batch", config.InChannels, "height", "width"),
                int64Timestep ? OnnxTensorSpec.Int64("timestep", "batch") : OnnxTensorSpec.Of("timestep", global::Onnx.TensorProto.Types.DataType.Float, "batch"),
                OnnxTensorSpec.Float("encoder_hidden_states", "batch", "sequence", config.CrossAttentionDim[0]),
            ],
            [OnnxTensorSpec.Float("out_sample", "batch", config.OutChannels, "height", "width")],
            (ops, x) => [new UNet2DConditionModel<OnnxValue>(ops, config).Forward(x[0], x[1], x[2])],
            weights, Describe(options, Unet, config.ToJson()));
    }

    /// <summary>
    /// latent_sample [batch, latent_channels, height, width] (the diffusion latents already divided by the
    /// scaling factor) → sample [batch, out_channels, 8·height, 8·width].
    /// </summary>
    public static OnnxExportResult ExportVaeDecoder(string path, AutoencoderKLConfig config, IWeightSource weights, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return OnnxModelExporter.Export(path,
            [OnnxTensorSpec.Float("latent_sample", "batch", config.LatentChannels, "height", "width")],
            [OnnxTensorSpec.Float("sample", "batch", config.OutChannels, "image_height", "image_width")],
            (ops, x) => [new VaeDecoder<OnnxValue>(ops, config).Forward(x[0])],
            weights, Describe(options, VaeDecoder, config.ToJson()));
    }

    /// <summary>sample [batch, in_channels, height, width] → latent_parameters [batch, 2·latent_channels, height/8, width/8]
    /// (mean ‖ log-variance).</summary>
    public static OnnxExportResult ExportVaeEncoder(string path, AutoencoderKLConfig config, IWeightSource weights, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return OnnxModelExporter.Export(path,
            [OnnxTensorSpec.Float("sample", "batch", config.InChannels, "height", "width")],
            [OnnxTensorSpec.Float("latent_parameters", "batch", 2 * config.LatentChannels, "latent_height", "latent_width")],
            (ops, x) => [new VaeEncoder<OnnxValue>(ops, config).Forward(x[0])],
            weights, Describe(options, VaeEncoder, config.ToJson()));
    }

    /// <summary>c [batch, sequence, d], c_null [batch_null, sequence, d] (batch_null 1 or batch) → r [batch, sequence, d].</summary>
    public static OnnxExportResult ExportSharpener(string path, SharpenerConfig config, IWeightSource weights, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var d = config.EmbeddingDim;
        return OnnxModelExporter.Export(path,
            [OnnxTensorSpec.Float("c", "batch", "sequence", d), OnnxTensorSpec.Float("c_null", "batch_null", "sequence", d)],
            [OnnxTensorSpec.Float("r", "batch", "sequence", d)],
            (ops, x) => [new DiceSharpener<OnnxValue>(ops, config).Forward(x[0], x[1])],
            weights, Describe(options, Sharpener, JsonSerializer.Serialize(config, SnakeCase)));
    }

    /// <summary>The caller's options, with the component name and config filled in where the caller left them out.</summary>
    private static OnnxExportOptions Describe(OnnxExportOptions? options, string component, string configJson)
    {
        options ??= new OnnxExportOptions();
        return options with { ComponentName = options.ComponentName ?? component, ConfigJson = options.ConfigJson ?? configJson };
    }
}
