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

    /// <summary>
    /// What the UNet's timestep input received: "float32" or "float16" (the scheduler's timesteps as they are), or
    /// "int64 (truncated)" / "int32 (truncated)" (fractional timesteps cut toward zero), read from the session.
    /// </summary>
    public string TimestepInput { get; init; } = "float32";
}
