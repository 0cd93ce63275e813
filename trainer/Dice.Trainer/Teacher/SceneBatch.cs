using TorchSharp;

namespace Dice.Trainer.Teacher;

/// <summary>A batch of rendered scenes: images [B, 3, H, W] in [−1, 1] (on the CPU) and their captions. Owns the tensor.</summary>
public sealed class SceneBatch(torch.Tensor images, IReadOnlyList<string> captions, IReadOnlyList<long> indices) : IDisposable
{
    public torch.Tensor Images { get; } = images;

    public IReadOnlyList<string> Captions { get; } = captions;

    /// <summary>The dataset indices of the samples.</summary>
    public IReadOnlyList<long> Indices { get; } = indices;

    public void Dispose() => Images.Dispose();
}
