using Dice.Data;
using Dice.Trainer.Training;
using TorchSharp;

namespace Dice.Trainer.Sharpener;

/// <summary>
/// Settings of <see cref="SharpenerTrainer"/>: DICE's Algorithm 1 with the reference implementation's defaults
/// (guidance 5, AdamW lr 2e-4, betas 0.9/0.999, weight decay 1e-2, eps 1e-8, constant rate, batch 16, 8,000
/// updates, a checkpoint every 800).
/// </summary>
public sealed record SharpenerTrainingOptions
{
    /// <summary>The frozen teacher: a diffusers weights folder (text_encoder/, unet/, vae/, tokenizer/, scheduler/).</summary>
    public required string TeacherFolder { get; init; }

    /// <summary>Image–caption pairs (see <see cref="SharpenerData.Open"/>).</summary>
    public required ICaptionedImageSource Data { get; init; }

    /// <summary>
    /// Negative prompts; when given, each sample gets one drawn at random and its embedding replaces c_null
    /// everywhere (the teacher's unconditional half and the sharpener's second input). Null or empty for c_null.
    /// </summary>
    public IReadOnlyList<string>? NegativePrompts { get; init; }

    /// <summary>Steps (optimizer updates), checkpoints, resume, loss log. Defaults: 8,000 steps, a checkpoint every 800.</summary>
    public TrainingRunOptions Run { get; init; } = new() { Steps = 8000, CheckpointInterval = 800 };

    /// <summary>Samples per micro-batch (one timestep shared by the micro-batch).</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Micro-batches whose gradients are summed (each loss divided by this) before one update.</summary>
    public int GradientAccumulation { get; init; } = 1;

    /// <summary>The teacher's classifier-free guidance scale w in the target.</summary>
    public double GuidanceScale { get; init; } = 5;

    public double LearningRate { get; init; } = 2e-4;

    /// <summary>
    /// The loss of a batch at timestep t is multiplied by √min(max(1/SNR_t, 1), cap): the L1 counterpart of the
    /// teacher's <see cref="Dice.Trainer.Teacher.TextToImageTrainingOptions.InverseSnrWeightCap"/>. In x0 terms the
    /// ε error is √SNR_t times the x0 error, so at high noise, where CFG decides a scene's layout and colours, the
    /// reference's plain L1 barely asks the sharpener to match it. 1, the default, is the reference's loss.
    /// </summary>
    public double InverseSnrWeightCap { get; init; } = 1;

    public double Beta1 { get; init; } = 0.9;

    public double Beta2 { get; init; } = 0.999;

    public double WeightDecay { get; init; } = 1e-2;

    public double Epsilon { get; init; } = 1e-8;

    /// <summary>The sharpener's inner width and heads (the embedding width comes from the teacher's text encoder).</summary>
    public int InnerDim { get; init; } = 512;

    public int Heads { get; init; } = 8;

    /// <summary>Latents are the VAE's posterior (sample or mean) times this; null for vae/config.json's scaling_factor.</summary>
    public double? ScalingFactor { get; init; }

    /// <summary>
    /// Which latents the VAE gives an image: a draw from its posterior (the reference's choice, the default; seeded,
    /// its generator kept in checkpoints) or the posterior mean.
    /// </summary>
    public SharpenerVaeLatents VaeLatents { get; init; } = SharpenerVaeLatents.Sample;

    /// <summary>
    /// Side of the square images fed to the VAE; null for the UNet's sample_size × the VAE's downscale factor
    /// (512 for SD1.5), or the VAE's sample_size when the UNet config has none. Images are cropped to their centred
    /// square and resized to it bilinearly, as the reference does (<see cref="SharpenerImages.CropAndResize"/>).
    /// </summary>
    public int? ImageSize { get; init; }

    /// <summary>Fixes the sharpener's initial weights, the data order, the timesteps, the noise and the negatives.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// The prompts of the validation grids written with each checkpoint (see <see cref="SharpenerValidation"/>); null
    /// or empty for the first <see cref="SharpenerValidation.DefaultPromptCount"/> distinct captions of
    /// <see cref="Data"/> in its order, which suit whatever the teacher was trained on.
    /// </summary>
    public IReadOnlyList<string>? ValidationPrompts { get; init; }

    /// <summary>DPM-Solver++(2M) steps of each validation sample; 0 writes no validation grids.</summary>
    public int ValidationSteps { get; init; } = SharpenerValidation.DefaultSteps;

    /// <summary>
    /// Seed of the validation grids' initial noise (every prompt starts from the same noise, the noise `dice generate
    /// --seed` draws for one image), kept apart from the training's generators.
    /// </summary>
    public ulong ValidationSeed { get; init; }

    /// <summary>Where to train; null for the CPU.</summary>
    public torch.Device? Device { get; init; }

    /// <summary>
    /// What the frozen teacher UNet computes in: float32 (default), float16 (CUDA only: libtorch has no half
    /// convolutions on the CPU) or bfloat16. The sharpener, its optimizer and the loss stay float32.
    /// </summary>
    public torch.ScalarType TeacherPrecision { get; init; } = torch.ScalarType.Float32;

    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(TeacherFolder);
        ArgumentNullException.ThrowIfNull(Data);
        ArgumentNullException.ThrowIfNull(Run);
        Run.Validate();
        if (Data.Items.Count == 0)
        {
            throw new ArgumentException($"{Data.Source} has no image–caption pairs");
        }
        if (BatchSize < 1 || GradientAccumulation < 1)
        {
            throw new ArgumentException($"batch size {BatchSize} and gradient accumulation {GradientAccumulation} must be at least 1");
        }
        if (!(LearningRate > 0) || WeightDecay < 0 || !(Epsilon > 0) || Beta1 is < 0 or >= 1 || Beta2 is < 0 or >= 1)
        {
            throw new ArgumentException(
                $"invalid AdamW settings: lr {LearningRate}, betas ({Beta1}, {Beta2}), weight decay {WeightDecay}, eps {Epsilon}");
        }
        if (!(InverseSnrWeightCap >= 1) || double.IsPositiveInfinity(InverseSnrWeightCap))
        {
            throw new ArgumentException($"inverse-SNR weight cap {InverseSnrWeightCap} must be a finite number ≥ 1 (1: the reference's plain L1)");
        }
        if (!double.IsFinite(GuidanceScale))
        {
            throw new ArgumentException($"guidance scale {GuidanceScale} must be finite");
        }
        if (ScalingFactor is { } s && !(s > 0))
        {
            throw new ArgumentException($"scaling factor {s} must be positive");
        }
        if (!Enum.IsDefined(VaeLatents))
        {
            throw new ArgumentException($"VAE latents {VaeLatents}: use sample or mean");
        }
        if (ImageSize is { } size && size < 1)
        {
            throw new ArgumentException($"image size {size} must be positive");
        }
        if (TeacherPrecision is not (torch.ScalarType.Float32 or torch.ScalarType.Float16 or torch.ScalarType.BFloat16))
        {
            throw new ArgumentException($"teacher precision {TeacherPrecision}: use float32, float16 or bfloat16");
        }
        if (TeacherPrecision == torch.ScalarType.Float16 && (Device?.type ?? DeviceType.CPU) != DeviceType.CUDA)
        {
            throw new ArgumentException("a float16 teacher needs a CUDA device (libtorch has no float16 convolutions on the CPU); use bfloat16 or float32 on the CPU");
        }
        if (NegativePrompts is { } negatives && negatives.Any(n => n is null))
        {
            throw new ArgumentException("negative prompts must not be null");
        }
        if (ValidationSteps < 0)
        {
            throw new ArgumentException($"validation steps {ValidationSteps} must not be negative (0 for no validation)");
        }
        if (ValidationPrompts is { } prompts && prompts.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("validation prompts must not be null or blank");
        }
        new Dice.Models.Sharpener.SharpenerConfig(1, InnerDim, Heads).Validate();
    }
}

/// <summary>Which latents of an image sharpener training uses.</summary>
public enum SharpenerVaeLatents
{
    /// <summary>A draw from the VAE's posterior, mean + σ·z (the reference implementation's choice).</summary>
    Sample,

    /// <summary>The posterior mean.</summary>
    Mean,
}
