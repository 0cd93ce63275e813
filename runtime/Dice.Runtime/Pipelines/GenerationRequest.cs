namespace Dice.Runtime.Pipelines;

/// <summary>What to generate. Every field that changes the image is recorded in the image's sidecar.</summary>
public sealed record GenerationRequest
{
    public required IReadOnlyList<string> Prompts { get; init; }

    /// <summary>The unconditional prompt of CFG (and the negative prompt of DICE); empty for none.</summary>
    public string NegativePrompt { get; init; } = "";

    public GenerationMode Mode { get; init; } = GenerationMode.Cfg;

    /// <summary>CFG's guidance scale w.</summary>
    public double GuidanceScale { get; init; } = 7.5;

    /// <summary>CFG as two UNet calls of batch N per step instead of one of batch 2N.</summary>
    public bool CfgSequential { get; init; }

    /// <summary>DICE's sharpening strength.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>DICE's negative-prompt strength (used with a negative prompt).</summary>
    public double Beta { get; init; } = 1.0;

    /// <summary>
    /// Unguided sampling only: the conditional embedding is multiplied by this (every token but the first, which
    /// DICE also keeps), the naive-scaling baseline c × s. 1 leaves it unchanged.
    /// </summary>
    public double EmbeddingScale { get; init; } = 1.0;

    public int Steps { get; init; } = 20;

    /// <summary>dpmpp-2m, euler or ddim.</summary>
    public string Scheduler { get; init; } = "dpmpp-2m";

    public ulong Seed { get; init; }

    /// <summary>
    /// Where the initial latents come from, by <see cref="Dice.Core.Sampling.NoiseSources"/> name: "dice" (Dice's own
    /// generator) or "torch" (torch.randn with torch.Generator("cpu").manual_seed(seed), drawn as one [N, C, h, w]
    /// tensor for the N images of the request, as diffusers draws a batch from one generator).
    /// </summary>
    public string Noise { get; init; } = Dice.Core.Sampling.NoiseSources.Dice;

    /// <summary>
    /// Given initial latents (standard normal, before the scheduler's initial sigma) instead of drawn ones: [C, h, w]
    /// for every image, or [N, C, h, w] for the N = prompts × images per prompt images. Null to draw them.
    /// </summary>
    public Dice.Core.IO.NpyArray? Latents { get; init; }

    public int ImagesPerPrompt { get; init; } = 1;

    /// <summary>Image size in pixels; null for the model's own (its UNet sample size × the VAE factor).</summary>
    public int? Height { get; init; }

    public int? Width { get; init; }
}
