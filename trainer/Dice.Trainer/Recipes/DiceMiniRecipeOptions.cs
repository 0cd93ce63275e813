using Dice.Data.Tokenization;
using Dice.Models.Classifier;
using Dice.Models.Clip;
using Dice.Models.Unet;
using Dice.Models.Vae;
using Dice.Trainer.Classifier;
using TorchSharp;

namespace Dice.Trainer.Recipes;

/// <summary>
/// Every size and step count of <see cref="DiceMiniRecipe"/>. Two presets: <see cref="Smoke"/> (tiny models, a
/// handful of steps, for tests) and <see cref="Full"/> (the real dice-mini run).
/// </summary>
public sealed record DiceMiniRecipeOptions
{
    /// <summary>The preset's name ("smoke", "full"), kept in recipe.json.</summary>
    public required string Scale { get; init; }

    /// <summary>Seed of every trainer's initial weights and noise (the data splits are fixed by <see cref="Dice.Data.DiceMiniSplits"/>).</summary>
    public ulong Seed { get; init; }

    /// <summary>Side of the square training images.</summary>
    public int ImageSize { get; init; } = 32;

    /// <summary>Training captions the BPE tokenizer is learned from.</summary>
    public int TokenizerCaptions { get; init; }

    /// <summary>Target vocabulary size of the tokenizer (special tokens included).</summary>
    public int VocabSize { get; init; } = BpeTrainer.DiceMiniVocabSize;

    /// <summary>The tokenizer's model_max_length (77, as SD's, so SD-layout runners work unchanged).</summary>
    public int ModelMaxLength { get; init; } = 77;

    public required AutoencoderKLConfig Vae { get; init; }

    public int VaeSteps { get; init; }

    public int VaeBatchSize { get; init; }

    public double VaeLearningRate { get; init; } = 2e-4;

    /// <summary>Batches of <see cref="ScalingBatchSize"/> images the scaling_factor is estimated on.</summary>
    public int ScalingBatches { get; init; } = 4;

    public int ScalingBatchSize { get; init; } = 64;

    /// <summary>The text encoder; its vocab_size, token ids and max_position_embeddings are taken from the learned tokenizer.</summary>
    public required ClipTextConfig TextEncoder { get; init; }

    public required UNet2DConditionConfig Unet { get; init; }

    public int TeacherSteps { get; init; }

    public int TeacherBatchSize { get; init; }

    public double TeacherLearningRate { get; init; } = 1e-4;

    /// <summary>Chance that a teacher training caption mis-states any one attribute (<see cref="Dice.Data.CaptionNoise"/>).</summary>
    public double TeacherCaptionNoise { get; init; }

    /// <summary>Cap of the inverse-SNR weight on the teacher's epsilon loss (<see cref="Teacher.TextToImageTrainingOptions.InverseSnrWeightCap"/>); 1: plain MSE.</summary>
    public double TeacherInverseSnrWeightCap { get; init; } = 1;

    public required AttributeClassifierConfig Classifier { get; init; }

    public int ClassifierSteps { get; init; }

    public int ClassifierBatchSize { get; init; }

    /// <summary>Where the VAE and the teacher train (null: CPU). The classifier and the exports always run on the CPU.</summary>
    public torch.Device? Device { get; init; }

    /// <summary>
    /// Seconds, for the tests: 3-level VAE [8, 8, 16] (4×), UNet [16, 32] on 8×8 latents, a 1-layer CLIP 16 wide,
    /// a few steps of each trainer.
    /// </summary>
    public static DiceMiniRecipeOptions Smoke(ulong seed = 0) => new()
    {
        Scale = "smoke",
        Seed = seed,
        TokenizerCaptions = 300,
        VocabSize = 600,
        Vae = Vae4x([8, 8, 16], groups: 4),
        VaeSteps = 2,
        VaeBatchSize = 4,
        VaeLearningRate = 1e-3,
        ScalingBatches = 1,
        ScalingBatchSize = 8,
        TextEncoder = new ClipTextConfig { HiddenSize = 16, IntermediateSize = 32, NumHiddenLayers = 1, NumAttentionHeads = 2 },
        Unet = new UNet2DConditionConfig
        {
            SampleSize = 8,
            DownBlockTypes = [UNet2DConditionConfig.CrossAttnDownBlock, UNet2DConditionConfig.DownBlock],
            UpBlockTypes = [UNet2DConditionConfig.UpBlock, UNet2DConditionConfig.CrossAttnUpBlock],
            BlockOutChannels = [16, 32],
            LayersPerBlock = [1, 1],
            NormNumGroups = 4,
            CrossAttentionDim = [16, 16],
            TransformerLayersPerBlock = [1, 1],
            AttentionHeadDim = [2, 2],
        },
        TeacherSteps = 2,
        TeacherBatchSize = 4,
        TeacherLearningRate = 1e-3,
        Classifier = AttributeClassifierTrainer.DefaultConfig() with { Widths = [8, 8, 8], HiddenDim = 16 },
        ClassifierSteps = 2,
        ClassifierBatchSize = 4,
    };

    /// <summary>
    /// The real dice-mini run (the teacher's phase 1; scripts/make-dice-mini.sh adds phase 2 with `dice tune`).
    /// Measured on the project's 2-core machine with OpenBLAS (recipe.json of the 2026-12-01 run): VAE 823 s,
    /// teacher 2,357 s (0.29 s a step at batch 32), classifier 10 s; 3,196 s in all.
    /// </summary>
    public static DiceMiniRecipeOptions Full(ulong seed = 0) => new()
    {
        Scale = "full",
        Seed = seed,
        TokenizerCaptions = 20_000,
        VocabSize = BpeTrainer.DiceMiniVocabSize,
        Vae = Vae4x([32, 64, 64], groups: 16),
        VaeSteps = 1_500,
        VaeBatchSize = 32,
        VaeLearningRate = 4e-4,
        ScalingBatches = 4,
        ScalingBatchSize = 64,
        TextEncoder = new ClipTextConfig { HiddenSize = 64, IntermediateSize = 256, NumHiddenLayers = 4, NumAttentionHeads = 4 },
        Unet = new UNet2DConditionConfig
        {
            SampleSize = 8,
            DownBlockTypes = [UNet2DConditionConfig.CrossAttnDownBlock, UNet2DConditionConfig.CrossAttnDownBlock, UNet2DConditionConfig.DownBlock],
            UpBlockTypes = [UNet2DConditionConfig.UpBlock, UNet2DConditionConfig.CrossAttnUpBlock, UNet2DConditionConfig.CrossAttnUpBlock],
            BlockOutChannels = [32, 64, 64],
            LayersPerBlock = [1, 1, 1],
            NormNumGroups = 16,
            CrossAttentionDim = [64, 64, 64],
            TransformerLayersPerBlock = [1, 1, 1],
            AttentionHeadDim = [4, 4, 4],
        },
        TeacherSteps = 8_000,
        TeacherBatchSize = 32,
        TeacherLearningRate = 1e-3,
        // Phase 1 only. Caption noise and the inverse-SNR weight from the start (0.3, 20) gave a teacher with
        // smeared shapes (CFG 67.8 %, 200 held-out captions); scripts/make-dice-mini.sh applies them in a second
        // phase (`dice tune`) instead.
        Classifier = AttributeClassifierTrainer.DefaultConfig(),
        ClassifierSteps = 400,
        ClassifierBatchSize = 64,
    };

    /// <summary>The preset called <paramref name="scale"/> ("smoke" or "full", any case), or null.</summary>
    public static DiceMiniRecipeOptions? Preset(string scale, ulong seed = 0) => scale?.ToUpperInvariant() switch
    {
        "SMOKE" => Smoke(seed),
        "FULL" => Full(seed),
        _ => null,
    };

    private static AutoencoderKLConfig Vae4x(IReadOnlyList<int> widths, int groups) => new()
    {
        DownBlockTypes = widths.Select(_ => AutoencoderKLConfig.DownEncoderBlock).ToArray(),
        UpBlockTypes = widths.Select(_ => AutoencoderKLConfig.UpDecoderBlock).ToArray(),
        BlockOutChannels = widths,
        LayersPerBlock = 1,
        NormNumGroups = groups,
        SampleSize = 32,
    };

    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Scale);
        ArgumentNullException.ThrowIfNull(Vae);
        ArgumentNullException.ThrowIfNull(TextEncoder);
        ArgumentNullException.ThrowIfNull(Unet);
        ArgumentNullException.ThrowIfNull(Classifier);
        if (TokenizerCaptions < 1 || VaeSteps < 0 || VaeBatchSize < 1 || TeacherSteps < 0 || TeacherBatchSize < 1
            || ClassifierSteps < 0 || ClassifierBatchSize < 1 || ScalingBatches < 1 || ScalingBatchSize < 1 || ModelMaxLength < 2)
        {
            throw new ArgumentException(
                $"invalid dice-mini settings: {TokenizerCaptions} tokenizer captions, VAE {VaeSteps} steps × {VaeBatchSize}, "
                + $"teacher {TeacherSteps} steps × {TeacherBatchSize}, classifier {ClassifierSteps} steps × {ClassifierBatchSize}, "
                + $"scaling {ScalingBatches} × {ScalingBatchSize}, max length {ModelMaxLength}");
        }
    }
}
