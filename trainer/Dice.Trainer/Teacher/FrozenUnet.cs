using Dice.Models.Unet;
using TorchSharp;
using static TorchSharp.torch;

namespace Dice.Trainer.Teacher;

/// <summary>
/// A frozen teacher UNet that may compute in half precision (float16 on CUDA, bfloat16 on either device) while its
/// callers stay in float32: latents and text embeddings are cast to its compute type on the way in and the noise
/// prediction back to float32 on the way out. Gradients flow through the casts, so a student embedding can still
/// learn through it.
/// </summary>
public sealed class FrozenUnet
{
    public FrozenUnet(UNet2DConditionModel<Tensor> model, ScalarType computeType)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (computeType is not (ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16))
        {
            throw new ArgumentException($"a teacher UNet computes in float32, float16 or bfloat16, not {computeType}", nameof(computeType));
        }
        Model = model;
        ComputeType = computeType;
    }

    public UNet2DConditionModel<Tensor> Model { get; }

    public ScalarType ComputeType { get; }

    /// <summary>ε(x_t, t, c) in float32.</summary>
    public Tensor Forward(Tensor sample, Tensor timesteps, Tensor encoderHiddenStates)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(timesteps);
        ArgumentNullException.ThrowIfNull(encoderHiddenStates);
        if (ComputeType == ScalarType.Float32)
        {
            return Model.Forward(sample, timesteps, encoderHiddenStates);
        }
        using var scope = NewDisposeScope();
        var output = Model.Forward(sample.to(ComputeType), timesteps, encoderHiddenStates.to(ComputeType));
        return output.to(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
