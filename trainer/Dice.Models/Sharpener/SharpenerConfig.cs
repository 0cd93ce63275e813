namespace Dice.Models.Sharpener;

/// <summary>
/// Size of a DICE sharpener: text-embedding width d (768 for SD1.5's CLIP ViT-L/14), inner width and heads
/// (512 and 8 in the reference).
/// </summary>
public sealed record SharpenerConfig(int EmbeddingDim = 768, int InnerDim = 512, int Heads = 8)
{
    public int HeadDim => InnerDim / Heads;

    public void Validate()
    {
        if (EmbeddingDim <= 0 || InnerDim <= 0 || Heads <= 0)
        {
            throw new ArgumentException($"sharpener sizes must be positive: d {EmbeddingDim}, inner {InnerDim}, heads {Heads}");
        }
        if (InnerDim % Heads != 0)
        {
            throw new ArgumentException($"the sharpener's inner width {InnerDim} does not split into {Heads} heads");
        }
    }
}
