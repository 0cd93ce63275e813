using Dice.Core.Images;

namespace Dice.Runtime.Pipelines;

/// <summary>The images (prompt-major: all images of the first prompt, then the next) and what they cost.</summary>
public sealed record GenerationResult(
    IReadOnlyList<RgbImage> Images,
    int UnetCalls,
    IReadOnlyList<int> UnetBatchSizes,
    TimeSpan TextEncoding,
    TimeSpan Denoising,
    TimeSpan Decoding)
{
    public TimeSpan Total => TextEncoding + Denoising + Decoding;
}
