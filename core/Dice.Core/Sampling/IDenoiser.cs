namespace Dice.Core.Sampling;

/// <summary>
/// The model <see cref="DenoisingLoop"/> asks for noise predictions: a UNet bound to its text embeddings, run by
/// ONNX Runtime (dice generate) or libtorch (the trainer's validation samples). The loop owns the buffers; an
/// implementation copies into and out of its own tensors and keeps no reference to the spans after a call.
/// </summary>
public interface IDenoiser
{
    /// <summary>
    /// Writes into <paramref name="noise"/> the predicted noise for <paramref name="modelInput"/> (a batch of N latents,
    /// already scaled by the scheduler) at <paramref name="timestep"/>, under the one embedding per image the denoiser
    /// holds (the prompt's for unguided sampling, c_dice for DICE). One UNet call of batch N.
    /// </summary>
    void PredictNoise(ReadOnlySpan<float> modelInput, float timestep, Span<float> noise);

    /// <summary>
    /// Writes into <paramref name="noise"/> (twice the length of <paramref name="modelInput"/>) the predicted noise
    /// under the unconditional embeddings, then under the conditional ones, for classifier-free guidance: one UNet
    /// call of batch 2N, or two of batch N, as the implementation chooses.
    /// </summary>
    void PredictUnconditionalAndConditionalNoise(ReadOnlySpan<float> modelInput, float timestep, Span<float> noise);
}
