using Dice.Core.Sampling;
using Dice.Trainer.Teacher;
using static TorchSharp.torch;

namespace Dice.Trainer.Sharpener;

/// <summary>
/// The frozen libtorch UNet as <see cref="DenoisingLoop"/>'s denoiser: each prediction copies the model input into
/// a tensor on the UNet's device, runs it without gradients and copies the noise back to the CPU. Classifier-free
/// guidance is one call of batch 2N on [x; x] with the context [c_null; c].
/// </summary>
internal sealed class TeacherDenoiser : IDenoiser
{
    private readonly FrozenUnet unet;
    private readonly Device device;
    private readonly long[] shape;
    private readonly Tensor conditional;
    private readonly Tensor? pairedContext;
    private readonly float[] input;

    /// <param name="conditional">The embeddings [N, K, d] on <paramref name="device"/>.</param>
    /// <param name="pairedContext">[c_null; c] ([2N, K, d]) on <paramref name="device"/> for classifier-free guidance, or null.</param>
    public TeacherDenoiser(FrozenUnet unet, Device device, long[] shape, Tensor conditional, Tensor? pairedContext)
    {
        this.unet = unet;
        this.device = device;
        this.shape = shape;
        this.conditional = conditional;
        this.pairedContext = pairedContext;
        input = new float[shape.Aggregate(1L, (a, b) => a * b)];
    }

    public void PredictNoise(ReadOnlySpan<float> modelInput, float timestep, Span<float> noise)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (x, t) = Inputs(modelInput, timestep);
        unet.Forward(x, t, conditional).cpu().data<float>().CopyTo(noise);
    }

    public void PredictUnconditionalAndConditionalNoise(ReadOnlySpan<float> modelInput, float timestep, Span<float> noise)
    {
        if (pairedContext is null)
        {
            throw new InvalidOperationException("this denoiser was built without an unconditional embedding");
        }
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (x, t) = Inputs(modelInput, timestep);
        unet.Forward(cat([x, x]), t, pairedContext).cpu().data<float>().CopyTo(noise);
    }

    private (Tensor Sample, Tensor Timestep) Inputs(ReadOnlySpan<float> modelInput, float timestep)
    {
        modelInput.CopyTo(input);
        return (tensor(input, shape, device: device), tensor(new[] { timestep }, [1], device: device));
    }
}
