using Microsoft.ML.OnnxRuntime;

namespace Dice.Runtime.Pipelines;

/// <summary>The VAE decoder session: latent_sample [N, 4, h, w] → sample [N, 3, 8h, 8w] in [−1, 1].</summary>
internal sealed class OnnxVaeDecoder : IDisposable
{
    private readonly InferenceSession session;
    private readonly Microsoft.ML.OnnxRuntime.NodeMetadata input;
    private readonly string output;

    public OnnxVaeDecoder(string path, SessionOptions options)
    {
        OnnxExternalData.Check(path);
        session = new InferenceSession(path, options);
        input = SessionInputs.Require(session, "latent_sample", "vae_decoder");
        output = SessionInputs.OutputName(session, "sample");
    }

    /// <summary>Decodes latents already divided by the scaling factor; returns [N, 3, H, W] and H, W.</summary>
    public (float[] Pixels, int Height, int Width) Decode(ReadOnlySpan<float> latents, int batch, int channels, int height, int width)
    {
        using var tensor = BoundTensor.Create(input.ElementDataType, batch, channels, height, width);
        tensor.Write(latents);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["latent_sample"], [tensor.Value], [output]);
        var shape = results[0].GetTensorTypeAndShape().Shape;
        var pixels = new float[results[0].GetTensorTypeAndShape().ElementCount];
        if (results[0].GetTensorTypeAndShape().ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float16)
        {
            var halves = System.Runtime.InteropServices.MemoryMarshal.Cast<Float16, Half>(results[0].GetTensorDataAsSpan<Float16>());
            for (var i = 0; i < pixels.Length; i++)
            {
                pixels[i] = (float)halves[i];
            }
        }
        else
        {
            results[0].GetTensorDataAsSpan<float>().CopyTo(pixels);
        }
        return (pixels, (int)shape[2], (int)shape[3]);
    }

    public void Dispose() => session.Dispose();
}
