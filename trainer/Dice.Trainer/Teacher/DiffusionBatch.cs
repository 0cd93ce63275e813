using TorchSharp;

namespace Dice.Trainer.Teacher;

/// <summary>
/// Everything one denoising training step uses, fixed: clean latents x0 [B, C, h, w], token ids [B, L] (after caption
/// dropout), timesteps [B] (int64) and noise ε like x0. Evaluating twice on one batch gives the same loss. Owns its tensors.
/// </summary>
public sealed class DiffusionBatch(torch.Tensor latents, torch.Tensor inputIds, torch.Tensor timesteps, torch.Tensor noise,
    IReadOnlyList<string> captions) : IDisposable
{
    public torch.Tensor Latents { get; } = latents;

    public torch.Tensor InputIds { get; } = inputIds;

    public torch.Tensor Timesteps { get; } = timesteps;

    public torch.Tensor Noise { get; } = noise;

    /// <summary>The captions the ids encode ("" where dropped).</summary>
    public IReadOnlyList<string> Captions { get; } = captions;

    public void Dispose()
    {
        Latents.Dispose();
        InputIds.Dispose();
        Timesteps.Dispose();
        Noise.Dispose();
    }
}
