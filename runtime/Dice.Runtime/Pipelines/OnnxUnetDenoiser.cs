using Dice.Core.Sampling;

namespace Dice.Runtime.Pipelines;

/// <summary>
/// The ONNX Runtime UNet as <see cref="DenoisingLoop"/>'s denoiser: the context is written once into bound tensors,
/// and each prediction copies the model input into the bound sample and the bound output into the loop's buffer,
/// with nothing allocated per step. Classifier-free guidance runs [uncond; cond] as one batch of 2N, or, when
/// sequential, as two bindings of N.
/// </summary>
internal sealed class OnnxUnetDenoiser : IDenoiser, IDisposable
{
    private readonly UnetBinding first;
    private readonly UnetBinding? second;

    /// <param name="context">The embeddings: N of them, or 2N ([uncond; cond]) for classifier-free guidance.</param>
    /// <param name="guided">Classifier-free guidance (<paramref name="context"/> holds 2N embeddings).</param>
    /// <param name="sequential">Under guidance, two calls of batch N instead of one of 2N.</param>
    public OnnxUnetDenoiser(OnnxUnet unet, ReadOnlySpan<float> context, int n, int channels, int latentHeight, int latentWidth,
        int sequence, int hiddenWidth, bool guided, bool sequential)
    {
        first = unet.Bind(guided && !sequential ? 2 * n : n, channels, latentHeight, latentWidth, sequence, hiddenWidth);
        if (guided && sequential)
        {
            var contextCount = n * sequence * hiddenWidth;
            second = unet.Bind(n, channels, latentHeight, latentWidth, sequence, hiddenWidth);
            first.Context.Write(context[..contextCount]);
            second.Context.Write(context.Slice(contextCount, contextCount));
        }
        else
        {
            first.Context.Write(context);
        }
    }

    public void PredictNoise(ReadOnlySpan<float> modelInput, float timestep, Span<float> noise)
    {
        Call(first, modelInput, timestep);
        first.Output.Read(noise);
    }

    public void PredictUnconditionalAndConditionalNoise(ReadOnlySpan<float> modelInput, float timestep, Span<float> noise)
    {
        var count = modelInput.Length;
        if (second is null)
        {
            first.Sample.Write(modelInput, 0);
            first.Sample.Write(modelInput, count);
            first.SetTimestep(timestep);
            first.Run();
            first.Output.Read(noise);
        }
        else
        {
            Call(first, modelInput, timestep);
            first.Output.Read(noise[..count]);
            Call(second, modelInput, timestep);
            second.Output.Read(noise.Slice(count, count));
        }
    }

    private static void Call(UnetBinding binding, ReadOnlySpan<float> sample, float timestep)
    {
        binding.Sample.Write(sample);
        binding.SetTimestep(timestep);
        binding.Run();
    }

    public void Dispose()
    {
        first.Dispose();
        second?.Dispose();
    }
}
