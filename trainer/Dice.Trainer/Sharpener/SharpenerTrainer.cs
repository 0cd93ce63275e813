using System.Text.Json.Nodes;
using Dice.Data;
using Dice.Models;
using Dice.Models.Clip;
using Dice.Models.Sharpener;
using Dice.Models.StableDiffusion;
using Dice.Models.Unet;
using Dice.Models.Vae;
using Dice.Models.Weights;
using Dice.Core.Schedulers;
using Dice.Core.Tokenization;
using Dice.Trainer.Teacher;
using Dice.Trainer.Training;
using TorchSharp;
using static TorchSharp.torch;
using AdamW = Dice.Trainer.Training.AdamW;

namespace Dice.Trainer.Sharpener;

/// <summary>
/// Trains a DICE sharpener r(c, c_null) against a frozen text-to-image teacher (Algorithm 1 of the paper): per
/// micro-batch one timestep t ~ U{0 … N − 1} shared by the batch, ε ~ N(0, 1), x_t = √ᾱ_t·x0 + √(1 − ᾱ_t)·ε (the
/// schedule of the teacher's scheduler_config.json; the target and the student are in its prediction type); target (no gradient) = ε_u + w(ε_c − ε_u) from ONE batched teacher call on [c_null; c]; student =
/// teacher(x_t, t, c_dice) with c_dice = c + r(c, c_null) and token 0 kept equal to c[:, 0]; loss = Σ|student −
/// target| / B (optionally weighted per timestep, <see cref="SharpenerTrainingOptions.InverseSnrWeightCap"/>). Only
/// the sharpener learns (AdamW); gradients flow through the frozen UNet into c_dice. Latents and text embeddings are
/// computed per batch without gradients (nothing is cached but c_null). Seeded throughout: the data order is a
/// per-epoch permutation derived from the seed and the step, timesteps, noise and negatives come from their own
/// generators kept in checkpoints, so the same options give the same losses and a resumed run continues exactly.
/// Each checkpoint gets a validation grid (<see cref="SharpenerValidation"/>: unguided | CFG | DICE on fixed prompts
/// and a fixed seed), sampled outside the training state so that it changes no loss. This class loads the frozen
/// teacher and runs the steps; the batches come from <see cref="SharpenerBatches"/>, the objective is
/// <see cref="SharpenerLoss"/>, and what a run writes is <see cref="SharpenerCheckpoints"/>.
/// </summary>
public sealed class SharpenerTrainer : IDisposable
{
    private readonly List<IDisposable> owned = [];
    private readonly FrozenVae vae;
    private readonly Tensor nullEmbedding;

    public SharpenerTrainer(SharpenerTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Teacher = StableDiffusionSource.FromDiffusersFolder(options.TeacherFolder);
        Device = options.Device ?? CPU;
        try
        {
            ValidateTeacher(Teacher);
            ImageSize = options.ImageSize ?? Teacher.ImageSize;
            ValidateImageSize(ImageSize, Teacher);
            Tokenizer = ClipTokenizer.Load(Teacher.TokenizerDirectory);
            if (Tokenizer.MaxLength > Teacher.TextEncoder.MaxPositionEmbeddings)
            {
                throw new InvalidDataException(
                    $"the tokenizer's max length {Tokenizer.MaxLength} exceeds the text encoder's max_position_embeddings {Teacher.TextEncoder.MaxPositionEmbeddings}");
            }
            ScalingFactor = options.ScalingFactor ?? Teacher.Vae.ScalingFactor;

            var textOps = Own(new TorchOps(Device));
            TextEncoder = new ClipTextModel<Tensor>(textOps, Teacher.TextEncoder);
            LoadFrozen(textOps, Teacher.WeightsPath(StableDiffusionSource.TextEncoderFolder),
                ops => _ = new ClipTextModel<ParameterInventory.Declared>(ops, Teacher.TextEncoder));
            var unetOps = Own(new TorchOps(Device, options.TeacherPrecision));
            Unet = new FrozenUnet(new UNet2DConditionModel<Tensor>(unetOps, Teacher.Unet), options.TeacherPrecision);
            LoadFrozen(unetOps, Teacher.WeightsPath(StableDiffusionSource.UnetFolder),
                ops => _ = new UNet2DConditionModel<ParameterInventory.Declared>(ops, Teacher.Unet));
            var vaeOps = Own(new TorchOps(Device));
            var vaeModel = new AutoencoderKL<Tensor>(vaeOps, Teacher.Vae);
            LoadFrozen(vaeOps, Teacher.WeightsPath(StableDiffusionSource.VaeFolder),
                ops => _ = new AutoencoderKL<ParameterInventory.Declared>(ops, Teacher.Vae));
            vae = new FrozenVae(vaeModel, vaeOps);

            SharpenerConfig = new SharpenerConfig(Teacher.TextEncoder.HiddenSize, options.InnerDim, options.Heads);
            SharpenerOps = Own(new TorchOps(Device, ScalarType.Float32, SeedDerivation.Derive(options.Seed, "sharpener.init")));
            Sharpener = new DiceSharpener<Tensor>(SharpenerOps, SharpenerConfig);
            Optimizer = Own(new AdamW(SharpenerOps.Parameters, options.LearningRate, options.Beta1, options.Beta2,
                options.Epsilon, options.WeightDecay));
            Schedule = TeacherSchedule(Teacher);
            if (options.InverseSnrWeightCap > 1 && Schedule.PredictionType != PredictionType.Epsilon)
            {
                throw new ArgumentException(
                    $"the inverse-SNR weight cap {options.InverseSnrWeightCap} is derived for epsilon prediction, but the teacher predicts {Schedule.PredictionTypeName}; use 1 (the reference's plain L1)");
            }
            Loss = Own(new SharpenerLoss(Unet, Sharpener, Schedule, options.GuidanceScale, options.InverseSnrWeightCap, Device));
            nullEmbedding = Own(EncodePrompts([""]).DetachFromDisposeScope());
            Batches = Own(new SharpenerBatches(options, vae, ScalingFactor, ImageSize, Device, EncodePrompts, nullEmbedding,
                Schedule.TrainTimesteps));
            Checkpoints = new SharpenerCheckpoints(options, Teacher, SharpenerConfig, SharpenerOps, ScalingFactor, ImageSize, Schedule);
            State = Checkpoints.State(Optimizer, Batches);
            if (options.ValidationSteps > 0)
            {
                var prompts = options.ValidationPrompts is { Count: > 0 } given ? given : SharpenerValidation.DefaultPrompts(options.Data);
                Validation = new SharpenerValidation(this, prompts, options.ValidationSteps, options.ValidationSeed);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public SharpenerTrainingOptions Options { get; }

    /// <summary>The teacher's configs and weights folder.</summary>
    public StableDiffusionSource Teacher { get; }

    public Device Device { get; }

    /// <summary>Side of the square images the VAE encodes.</summary>
    public int ImageSize { get; }

    public double ScalingFactor { get; }

    public ClipTokenizer Tokenizer { get; } = null!;

    public DiffusionNoiseSchedule Schedule { get; } = null!;

    /// <summary>The frozen text encoder.</summary>
    public ClipTextModel<Tensor> TextEncoder { get; } = null!;

    /// <summary>The frozen teacher UNet (in <see cref="SharpenerTrainingOptions.TeacherPrecision"/>; float32 in and out).</summary>
    public FrozenUnet Unet { get; } = null!;

    public SharpenerConfig SharpenerConfig { get; } = null!;

    /// <summary>The sharpener's parameters (names fc1.*, attention.*, fc2.*).</summary>
    public TorchOps SharpenerOps { get; } = null!;

    public DiceSharpener<Tensor> Sharpener { get; } = null!;

    public AdamW Optimizer { get; } = null!;

    /// <summary>The frozen teacher VAE.</summary>
    public FrozenVae Vae => vae;

    /// <summary>The training objective (noising, the CFG target, c_dice and the L1 loss).</summary>
    public SharpenerLoss Loss { get; } = null!;

    /// <summary>Draws the micro-batches (data order, images, embeddings, negatives, timesteps, noise).</summary>
    public SharpenerBatches Batches { get; } = null!;

    /// <summary>The checkpoint state, manifest metadata and the exportable sharpener folder.</summary>
    public SharpenerCheckpoints Checkpoints { get; } = null!;

    /// <summary>
    /// Writes a validation grid with every checkpoint of <see cref="Train"/> (to
    /// <see cref="SharpenerValidation.GridPath"/>); null when <see cref="SharpenerTrainingOptions.ValidationSteps"/> is 0.
    /// </summary>
    public SharpenerValidation? Validation { get; }

    /// <summary>What a checkpoint holds (the teacher is frozen and not in it).</summary>
    public TrainingState State { get; } = null!;

    /// <summary>c_null: the text encoder's output for "" [1, K, d].</summary>
    public Tensor NullEmbedding => nullEmbedding;

    /// <summary>The text encoder's last hidden state [N, K, d] for <paramref name="prompts"/>, without gradients.</summary>
    public Tensor EncodePrompts(IReadOnlyList<string> prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var length = Tokenizer.MaxLength;
        var ids = new long[prompts.Count * length];
        var row = new int[length];
        for (var b = 0; b < prompts.Count; b++)
        {
            Tokenizer.Tokenize(prompts[b], row);
            for (var i = 0; i < length; i++)
            {
                ids[(b * length) + i] = row[i];
            }
        }
        var input = tensor(ids, [prompts.Count, length]).to(Device);
        return TextEncoder.Forward(input).LastHiddenState.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The images [N, 3, S, S] in [−1, 1] (S = <see cref="ImageSize"/>, on the CPU); see <see cref="SharpenerImages.Load"/>.</summary>
    public Tensor LoadImages(IReadOnlyList<CaptionedImage> items) => SharpenerImages.Load(items, ImageSize);

    /// <summary>Image indices (into <see cref="SharpenerDataOrder.Images"/>) of micro-batch <paramref name="microBatch"/> of step <paramref name="stepIndex"/>.</summary>
    public IReadOnlyList<int> BatchIndices(long stepIndex, int microBatch = 0) => Batches.Order.BatchIndices(stepIndex, microBatch);

    /// <summary>
    /// Micro-batch <paramref name="microBatch"/> of step <paramref name="stepIndex"/>: its images encoded, its captions
    /// embedded, negatives, the timestep and the noise drawn. Draws from the trainer's generators: call it once per
    /// micro-batch, in order.
    /// </summary>
    public SharpenerBatch SampleBatch(long stepIndex, int microBatch = 0) => Batches.Sample(stepIndex, microBatch);

    /// <summary>A micro-batch of given items (drawing negatives, the timestep and the noise from the trainer's generators).</summary>
    public SharpenerBatch SampleBatch(IReadOnlyList<CaptionedImage> items) => Batches.Sample(items);

    /// <summary>x_t = √ᾱ_t·x0 + √(1 − ᾱ_t)·ε.</summary>
    public Tensor NoisyLatents(SharpenerBatch batch) => Loss.NoisyLatents(batch);

    /// <summary>One teacher UNet call: ε(x_t, t, embedding).</summary>
    public Tensor TeacherNoise(Tensor noisyLatents, Tensor timesteps, Tensor embedding) => Unet.Forward(noisyLatents, timesteps, embedding);

    /// <summary>
    /// The CFG target ε_u + w(ε_c − ε_u), without gradients, from one batched teacher call on [x_t; x_t] with
    /// [c_null; c] (w = <see cref="SharpenerTrainingOptions.GuidanceScale"/>).
    /// </summary>
    public Tensor Target(SharpenerBatch batch) => Loss.Target(batch);

    /// <summary>c_dice = c + α·r(c, c_null) with token 0 (the start token) kept equal to c[:, 0] exactly.</summary>
    public Tensor DiceEmbedding(Tensor conditional, Tensor unconditional, double alpha = 1) =>
        Loss.DiceEmbedding(conditional, unconditional, alpha);

    /// <summary>The loss on <paramref name="batch"/> with the current sharpener, without gradients or randomness.</summary>
    public double EvaluateLoss(SharpenerBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return Loss.Compute(batch, Loss.Target(batch)).ToDouble();
    }

    /// <summary>
    /// One AdamW update from the summed gradients of <paramref name="microBatches"/> (each loss divided by their
    /// count); returns the mean loss before the update.
    /// </summary>
    public double TrainStep(IReadOnlyList<SharpenerBatch> microBatches)
    {
        ArgumentNullException.ThrowIfNull(microBatches);
        if (microBatches.Count == 0)
        {
            throw new ArgumentException("a step needs at least one micro-batch", nameof(microBatches));
        }
        Optimizer.zero_grad();
        var total = 0.0;
        foreach (var batch in microBatches)
        {
            total += Backward(batch, microBatches.Count);
        }
        Optimizer.step();
        return total / microBatches.Count;
    }

    /// <summary>One AdamW update on one batch; returns the loss before the update.</summary>
    public double TrainStep(SharpenerBatch batch) => TrainStep([batch]);

    /// <summary>
    /// Runs (or resumes) training for <see cref="TrainingRunOptions.Steps"/> steps. After each checkpoint (but the one
    /// written on cancellation) <see cref="Validation"/>, when there is one, writes its grid into the checkpoints
    /// folder's validation/ sub-folder, outside the checkpoint: pruning old checkpoints keeps the grids. A failure
    /// while validating stops the run once its checkpoint is complete, so --resume continues from it.
    /// </summary>
    public TrainingRunResult Train(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        TrainingRunner.Run(State, Options.Run, Step, WriteValidation, Metadata(), progress, cancellationToken: cancellationToken);

    /// <summary>The path of the validation grid of the checkpoint at <paramref name="step"/>; null without validation or checkpoints.</summary>
    public string? ValidationGridPath(long step) =>
        Validation is not null && Options.Run.CheckpointFolder is { } folder ? SharpenerValidation.GridPath(folder, step) : null;

    /// <summary>
    /// Writes the exportable sharpener (sharpener.safetensors and config.json) to <paramref name="folder"/>, replacing
    /// it whole (<see cref="SharpenerCheckpoints.SaveSharpener"/>). This is what `dice export --sharpener` reads.
    /// </summary>
    public void SaveSharpener(string folder, long trainSteps) => Checkpoints.SaveSharpener(folder, trainSteps);

    /// <summary>The informational keys of config.json.</summary>
    public IReadOnlyDictionary<string, JsonNode?> ConfigExtras(long trainSteps) => Checkpoints.ConfigExtras(trainSteps);

    /// <summary>Kept in checkpoint manifests.</summary>
    public IReadOnlyDictionary<string, string> Metadata() => Checkpoints.Metadata();

    private void WriteValidation(long step, string checkpoint)
    {
        if (Validation is not null)
        {
            Validation.Write(Path.GetDirectoryName(checkpoint)!, step);
        }
    }

    private TrainingStepResult Step(long stepIndex)
    {
        Optimizer.zero_grad();
        var total = 0.0;
        for (var m = 0; m < Options.GradientAccumulation; m++)
        {
            using var batch = Batches.Sample(stepIndex, m);
            total += Backward(batch, Options.GradientAccumulation);
        }
        Optimizer.step();
        return new TrainingStepResult(total / Options.GradientAccumulation);
    }

    private double Backward(SharpenerBatch batch, int microBatches)
    {
        using var scope = NewDisposeScope();
        var target = Loss.Target(batch);
        var loss = Loss.Compute(batch, target);
        var value = loss.ToDouble();
        (microBatches == 1 ? loss : loss.DividedBy(microBatches)).backward();
        return value;
    }

    /// <summary>Per-timestep factors of the L1 loss (<see cref="SharpenerLoss.Weights"/>).</summary>
    public static float[] LossWeights(DiffusionNoiseSchedule schedule, double cap) => SharpenerLoss.Weights(schedule, cap);

    private static void LoadFrozen(TorchOps ops, string weightsFolder, Action<ITensorOps<ParameterInventory.Declared>> define)
    {
        using (var source = WeightSource.Open(weightsFolder, define))
        {
            ops.Load(source);
        }
        ops.RequiresGrad(false);
    }

    /// <summary>The forward process of the teacher's scheduler/scheduler_config.json (<see cref="DiffusionNoiseSchedule.FromSchedulerConfig"/>).</summary>
    /// <exception cref="InvalidDataException">A schedule the trainer cannot use, with the reason.</exception>
    public static DiffusionNoiseSchedule TeacherSchedule(StableDiffusionSource teacher)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        var source = Path.Combine(teacher.WeightsRoot ?? teacher.Description, StableDiffusionSource.SchedulerFolder,
            StableDiffusionSource.SchedulerConfigFile);
        return DiffusionNoiseSchedule.FromSchedulerConfig(SchedulerConfig.Parse(teacher.SchedulerConfigJson, source));
    }

    private static void ValidateTeacher(StableDiffusionSource teacher)
    {
        if (teacher.Unet.CrossAttentionDim.Any(d => d != teacher.TextEncoder.HiddenSize))
        {
            throw new InvalidDataException(
                $"the teacher's UNet cross_attention_dim [{string.Join(", ", teacher.Unet.CrossAttentionDim)}] must equal its text encoder's hidden_size {teacher.TextEncoder.HiddenSize}");
        }
        if (teacher.Unet.InChannels != teacher.Vae.LatentChannels || teacher.Unet.OutChannels != teacher.Vae.LatentChannels)
        {
            throw new InvalidDataException(
                $"the teacher's UNet in/out channels ({teacher.Unet.InChannels}/{teacher.Unet.OutChannels}) must equal its VAE's latent channels {teacher.Vae.LatentChannels}");
        }
    }

    private static void ValidateImageSize(int size, StableDiffusionSource teacher)
    {
        var factor = teacher.Vae.DownscaleFactor;
        if (size % factor != 0)
        {
            throw new ArgumentException($"image size {size} is not a multiple of the VAE's downscale factor {factor}");
        }
        if (size / factor % teacher.Unet.SpatialMultiple != 0)
        {
            throw new ArgumentException(
                $"{size}px images give {size / factor}×{size / factor} latents, not a multiple of the UNet's {teacher.Unet.SpatialMultiple}");
        }
    }

    private TDisposable Own<TDisposable>(TDisposable item) where TDisposable : IDisposable
    {
        owned.Add(item);
        return item;
    }

    public void Dispose()
    {
        for (var i = owned.Count - 1; i >= 0; i--)
        {
            owned[i].Dispose();
        }
        owned.Clear();
    }
}
