using TorchSharp;

namespace Dice.Trainer.Sharpener;

/// <summary>
/// One micro-batch of sharpener training: clean latents x0 [B, C, h, w], caption embeddings c [B, K, d], the
/// embeddings standing in for c_null [B, K, d] (c_null repeated, or the drawn negatives), the shared timestep
/// repeated [B] (int64) and the noise ε [B, C, h, w]. Owns its tensors.
/// </summary>
public sealed class SharpenerBatch(
    torch.Tensor latents,
    torch.Tensor conditional,
    torch.Tensor unconditional,
    torch.Tensor timesteps,
    torch.Tensor noise,
    IReadOnlyList<string> captions) : IDisposable
{
    public torch.Tensor Latents { get; } = latents;

    public torch.Tensor Conditional { get; } = conditional;

    public torch.Tensor Unconditional { get; } = unconditional;

    public torch.Tensor Timesteps { get; } = timesteps;

    public torch.Tensor Noise { get; } = noise;

    public IReadOnlyList<string> Captions { get; } = captions;

    public int Size => Captions.Count;

    public void Dispose()
    {
        Latents.Dispose();
        Conditional.Dispose();
        Unconditional.Dispose();
        Timesteps.Dispose();
        Noise.Dispose();
    }
}
