using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Dice.Runtime.Pipelines;

/// <summary>
/// The VAE encoder session for image-to-image: sample [N, 3, H, W] in [−1, 1] → latent_parameters
/// [N, 2C, H/8, W/8] (mean ‖ log-variance, Dice's exporter) or latent_sample [N, C, H/8, W/8] (older Optimum exports).
/// </summary>
internal sealed class OnnxVaeEncoder : IDisposable
{
    private readonly InferenceSession session;
    private readonly NodeMetadata input;
    private readonly string output;

    public OnnxVaeEncoder(string path, SessionOptions options)
    {
        OnnxExternalData.Check(path);
        session = new InferenceSession(path, options);
        input = SessionInputs.Require(session, "sample", "vae_encoder");
        output = session.OutputMetadata.ContainsKey("latent_parameters") ? "latent_parameters" : SessionInputs.OutputName(session, "latent_sample");
    }

    /// <summary>
    /// The latents of one image (CHW in [−1, 1]) before the scaling factor: the posterior mean when the encoder outputs
    /// latent_parameters, else its latent_sample as it is. Returns [C, h, w] with C = <paramref name="channels"/>.
    /// </summary>
    public float[] Encode(ReadOnlySpan<float> chw, int height, int width, int channels)
    {
        using var tensor = BoundTensor.Create(input.ElementDataType, 1, 3, height, width);
        tensor.Write(chw);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["sample"], [tensor.Value], [output]);
        var info = results[0].GetTensorTypeAndShape();
        var shape = info.Shape;
        var values = info.ElementDataType == TensorElementType.Float16
            ? MemoryMarshal.Cast<Float16, Half>(results[0].GetTensorDataAsSpan<Float16>()).ToArray().Select(h => (float)h).ToArray()
            : results[0].GetTensorDataAsSpan<float>().ToArray();
        var outputChannels = (int)shape[1];
        if (outputChannels != channels && outputChannels != 2 * channels)
        {
            throw new InvalidDataException(
                $"vae_encoder output {output} has {outputChannels} channels; the UNet takes {channels} (expected {channels} or {2 * channels})");
        }
        return values[..(channels * (int)shape[2] * (int)shape[3])];
    }

    public void Dispose() => session.Dispose();
}
