using Dice.Core.Images;

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

    /// <summary>
    /// DICE's negative-prompt strength β in c_dice = c + α·r(c, c_n) − β·(c_n − c_null); it acts only with a negative
    /// prompt (with none, c_n = c_null and the term vanishes). β = 0 keeps the negative prompt only as the sharpener's
    /// second input. The reference code has no negative prompt, so it is DICE without one, where β plays no part.
    /// </summary>
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

    /// <summary>The largest image side, in pixels, a request may ask for.</summary>
    public const int MaxSide = 16384;

    /// <summary>Image size in pixels; null for the model's own (its UNet sample size × the VAE factor).</summary>
    public int? Height { get; init; }

    public int? Width { get; init; }

    /// <summary>
    /// CFG only: the guidance rescale φ in [0, 1] of Lin et al. (2023, eq. 15–16), diffusers' guidance_rescale; 0 for
    /// none. Refused under DICE and unguided sampling, which have no CFG combination to rescale.
    /// </summary>
    public double GuidanceRescale { get; init; }

    /// <summary>DDIM's η (Song et al. 2021): 0 is deterministic DDIM, 1 the DDPM posterior's variance. DDIM only.</summary>
    public double Eta { get; init; }

    /// <summary>
    /// diffusers' clip_skip: condition on the text encoder's hidden state −(clip_skip + 1) after the final layer norm;
    /// 0 for the last layer. Needs a text encoder that outputs its hidden states, which no folder Dice exports does,
    /// so anything but 0 is refused for them.
    /// </summary>
    public int ClipSkip { get; init; }

    /// <summary>
    /// Image-to-image: the image to start from (encoded by the folder's vae_encoder), of the output size; null for
    /// text-to-image.
    /// </summary>
    public RgbImage? InitImage { get; init; }

    /// <summary>
    /// Image-to-image: how much of the schedule runs, in (0, 1], as diffusers' strength: the last
    /// int(Steps × Strength) steps run, from the init image noised to the first of them (1: every step, from the
    /// image noised to the first timestep's level). Ignored without <see cref="InitImage"/>.
    /// </summary>
    public double Strength { get; init; } = 0.8;
}
