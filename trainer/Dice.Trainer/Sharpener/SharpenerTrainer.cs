using System.Globalization;
using System.Text.Json.Nodes;
using Dice.Data;
using Dice.Models;
using Dice.Models.Clip;
using Dice.Models.Sharpener;
using Dice.Models.StableDiffusion;
using Dice.Models.Unet;
using Dice.Models.Vae;
using Dice.Models.Weights;
using Dice.Core.Images;
using Dice.Core.Tokenization;
using Dice.Trainer.Teacher;
using Dice.Trainer.Training;
using TorchSharp;
using static TorchSharp.torch;
using AdamW = TorchSharp.Modules.AdamW;

namespace Dice.Trainer.Sharpener;

/// <summary>
/// Trains a DICE sharpener r(c, c_null) against a frozen text-to-image teacher (Algorithm 1 of the paper): per
/// micro-batch one timestep t ~ U{0 … 999} shared by the batch, ε ~ N(0, 1), x_t = √ᾱ_t·x0 + √(1 − ᾱ_t)·ε (SD1.5's
/// schedule); target (no gradient) = ε_u + w(ε_c − ε_u) from ONE batched teacher call on [c_null; c]; student =
/// teacher(x_t, t, c_dice) with c_dice = c + r(c, c_null) and token 0 kept equal to c[:, 0]; loss = Σ|student −
/// target| / B (optionally weighted per timestep, <see cref="SharpenerTrainingOptions.InverseSnrWeightCap"/>). Only
/// the sharpener learns (AdamW); gradients flow through the frozen UNet into c_dice. Latents and text embeddings are
/// computed per batch without gradients (nothing is cached but c_null). Seeded throughout: the data order is a
/// per-epoch permutation derived from the seed and the step, timesteps, noise and negatives come from their own
/// generators kept in checkpoints, so the same options give the same losses and a resumed run continues exactly.
/// Each checkpoint gets a validation grid (<see cref="SharpenerValidation"/>: unguided | CFG | DICE on fixed prompts
/// and a fixed seed), sampled outside the training state so that it changes no loss.
/// </summary>
public sealed class SharpenerTrainer : IDisposable
{
    /// <summary>Checkpoint names.</summary>
    public const string SharpenerName = "sharpener";
    public const string OptimizerName = "adamw";
    public const string TimestepGeneratorName = "timesteps";
    public const string NoiseGeneratorName = "noise";
    public const string NegativeGeneratorName = "negatives";

    private readonly List<IDisposable> owned = [];
    private readonly FrozenVae vae;
    private readonly Generator timestepNoise;
    private readonly Tensor? lossWeights;
    private readonly Generator diffusionNoise;
    private readonly Generator negativeChoice;
    private readonly Tensor signalScales;
    private readonly Tensor noiseScales;
    private readonly Tensor nullEmbedding;
    private readonly Dictionary<long, int[]> permutations = [];

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
            timestepNoise = Own(new Generator(SeedDerivation.Derive(options.Seed, "timesteps")));
            diffusionNoise = Own(new Generator(SeedDerivation.Derive(options.Seed, "noise")));
            negativeChoice = Own(new Generator(SeedDerivation.Derive(options.Seed, "negatives")));
            Schedule = DiffusionNoiseSchedule.StableDiffusion15;
            if (options.InverseSnrWeightCap > 1)
            {
                using var cpuWeights = tensor(LossWeights(Schedule, options.InverseSnrWeightCap));
                lossWeights = Own(cpuWeights.to(Device).DetachFromDisposeScope());
            }
            using (var cpuSignal = tensor(Schedule.SignalScales()))
            using (var cpuNoise = tensor(Schedule.NoiseScales()))
            {
                signalScales = Own(cpuSignal.to(Device).DetachFromDisposeScope());
                noiseScales = Own(cpuNoise.to(Device).DetachFromDisposeScope());
            }
            nullEmbedding = Own(EncodePrompts([""]).DetachFromDisposeScope());
            State = new TrainingState()
                .AddModel(SharpenerName, SharpenerOps)
                .AddOptimizer(OptimizerName, Optimizer)
                .AddGenerator(TimestepGeneratorName, timestepNoise)
                .AddGenerator(NoiseGeneratorName, diffusionNoise)
                .AddGenerator(NegativeGeneratorName, negativeChoice);
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

    /// <summary>
    /// The images [N, 3, S, S] in [−1, 1] (S = <see cref="ImageSize"/>, on the CPU) from PNG or JPEG files, resized nearest
    /// neighbour when their size differs (the aspect ratio is not kept).
    /// </summary>
    public Tensor LoadImages(IReadOnlyList<CaptionedImage> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var size = ImageSize;
        var plane = size * size;
        var values = new float[items.Count * 3 * plane];
        Parallel.For(0, items.Count, b =>
        {
            // PNG or JPEG; a broken or oversized file raises an ImageFormatException that names it.
            RgbImage image = ImageFile.Read(items[b].ImagePath);
            var pixels = image.Pixels;
            var offset = b * 3 * plane;
            for (var y = 0; y < size; y++)
            {
                var sy = (int)((long)y * image.Height / size);
                for (var x = 0; x < size; x++)
                {
                    var sx = (int)((long)x * image.Width / size);
                    var source = ((sy * image.Width) + sx) * 3;
                    var p = (y * size) + x;
                    for (var c = 0; c < 3; c++)
                    {
                        values[offset + (c * plane) + p] = (pixels[source + c] / 127.5f) - 1f;
                    }
                }
            }
        });
        return tensor(values, [items.Count, 3, size, size]);
    }

    /// <summary>
    /// Dataset indices of micro-batch <paramref name="microBatch"/> of step <paramref name="stepIndex"/>: the data is
    /// walked in a seeded permutation per epoch, so the indices depend only on the seed and the position.
    /// </summary>
    public IReadOnlyList<int> BatchIndices(long stepIndex, int microBatch = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepIndex);
        ArgumentOutOfRangeException.ThrowIfNegative(microBatch);
        var count = Options.Data.Items.Count;
        var start = ((stepIndex * Options.GradientAccumulation) + microBatch) * Options.BatchSize;
        var indices = new int[Options.BatchSize];
        for (var i = 0; i < indices.Length; i++)
        {
            var position = start + i;
            indices[i] = Permutation(position / count)[position % count];
        }
        return indices;
    }

    /// <summary>
    /// Micro-batch <paramref name="microBatch"/> of step <paramref name="stepIndex"/>: its images encoded, its captions
    /// embedded, negatives, the timestep and the noise drawn. Draws from the trainer's generators: call it once per
    /// micro-batch, in order.
    /// </summary>
    public SharpenerBatch SampleBatch(long stepIndex, int microBatch = 0) =>
        SampleBatch(BatchIndices(stepIndex, microBatch).Select(i => Options.Data.Items[i]).ToList());

    /// <summary>A micro-batch of given items (drawing negatives, the timestep and the noise from the trainer's generators).</summary>
    public SharpenerBatch SampleBatch(IReadOnlyList<CaptionedImage> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            throw new ArgumentException("a batch needs at least one item", nameof(items));
        }
        using var scope = NewDisposeScope();
        var batch = items.Count;
        var captions = items.Select(i => i.Caption).ToList();
        var latents = vae.EncodeLatents(LoadImages(items), ScalingFactor).to(Device).contiguous();
        var conditional = EncodePrompts(captions);
        Tensor unconditional;
        if (Options.NegativePrompts is { Count: > 0 } negatives)
        {
            var picks = SeededRandom.Randint(0, negatives.Count, [batch], CPU, negativeChoice).data<long>().ToArray();
            unconditional = EncodePrompts(picks.Select(p => negatives[(int)p]).ToList());
        }
        else
        {
            unconditional = nullEmbedding.expand(batch, nullEmbedding.size(1), nullEmbedding.size(2)).contiguous();
        }
        var timestep = SeededRandom.Randint(0, Schedule.TrainTimesteps, [1], Device, timestepNoise);
        var timesteps = timestep.expand(batch).contiguous();
        var noise = SeededRandom.Randn(latents.shape, ScalarType.Float32, Device, diffusionNoise);
        return new SharpenerBatch(
            latents.DetachFromDisposeScope(),
            conditional.DetachFromDisposeScope(),
            unconditional.DetachFromDisposeScope(),
            timesteps.DetachFromDisposeScope(),
            noise.DetachFromDisposeScope(),
            captions);
    }

    /// <summary>x_t = √ᾱ_t·x0 + √(1 − ᾱ_t)·ε.</summary>
    public Tensor NoisyLatents(SharpenerBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var b = batch.Latents.size(0);
        using var scope = NewDisposeScope();
        var a = signalScales.index_select(0, batch.Timesteps).reshape(b, 1, 1, 1);
        var s = noiseScales.index_select(0, batch.Timesteps).reshape(b, 1, 1, 1);
        return ((a * batch.Latents) + (s * batch.Noise)).MoveToOuterDisposeScope();
    }

    /// <summary>One teacher UNet call: ε(x_t, t, embedding).</summary>
    public Tensor TeacherNoise(Tensor noisyLatents, Tensor timesteps, Tensor embedding) => Unet.Forward(noisyLatents, timesteps, embedding);

    /// <summary>
    /// The CFG target ε_u + w(ε_c − ε_u), without gradients, from one batched teacher call on [x_t; x_t] with
    /// [c_null; c] (w = <see cref="SharpenerTrainingOptions.GuidanceScale"/>).
    /// </summary>
    public Tensor Target(SharpenerBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var noisy = NoisyLatents(batch);
        var eps = Unet.Forward(cat([noisy, noisy]), cat([batch.Timesteps, batch.Timesteps]), cat([batch.Unconditional, batch.Conditional]));
        var halves = eps.chunk(2, 0);
        var unconditional = halves[0];
        return (unconditional + ((halves[1] - unconditional) * Options.GuidanceScale)).MoveToOuterDisposeScope();
    }

    /// <summary>c_dice = c + α·r(c, c_null) with token 0 (the start token) kept equal to c[:, 0] exactly.</summary>
    public Tensor DiceEmbedding(Tensor conditional, Tensor unconditional, double alpha = 1)
    {
        ArgumentNullException.ThrowIfNull(conditional);
        ArgumentNullException.ThrowIfNull(unconditional);
        using var scope = NewDisposeScope();
        var r = Sharpener.Forward(conditional, unconditional);
        var tokens = conditional.size(1);
        var kept = conditional.narrow(1, 0, 1);
        var edited = conditional.narrow(1, 1, tokens - 1) + (r.narrow(1, 1, tokens - 1) * alpha);
        return cat([kept, edited], 1).MoveToOuterDisposeScope();
    }

    /// <summary>The loss on <paramref name="batch"/> with the current sharpener, without gradients or randomness.</summary>
    public double EvaluateLoss(SharpenerBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return Loss(batch, Target(batch)).ToDouble();
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
    /// Writes the exportable sharpener to <paramref name="folder"/>: sharpener.safetensors (fc1.*, attention.to_q/
    /// to_k/to_v/to_out.0.*, fc2.*) and config.json (sizes plus guidance_scale, teacher, train_steps, seed,
    /// batch_size, learning_rate …), built in a temporary folder beside it and moved in whole (an existing folder
    /// is replaced). This is what `dice export --sharpener` reads.
    /// </summary>
    public void SaveSharpener(string folder, long trainSteps)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var parent = Path.GetDirectoryName(target) ?? throw new ArgumentException($"{folder} is a root directory", nameof(folder));
        Directory.CreateDirectory(parent);
        var name = Path.GetFileName(target);
        var staging = Path.Combine(parent, $".{name}.{Guid.NewGuid():N}.tmp");
        var old = Path.Combine(parent, $".{name}.{Guid.NewGuid():N}.old");
        try
        {
            Directory.CreateDirectory(staging);
            SharpenerOps.Save(Path.Combine(staging, "sharpener.safetensors"));
            File.WriteAllText(Path.Combine(staging, SharpenerConfig.FileName), SharpenerConfig.ToJson(ConfigExtras(trainSteps)));
            if (Directory.Exists(target))
            {
                Directory.Move(target, old);
            }
            Directory.Move(staging, target);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
            if (Directory.Exists(old))
            {
                Directory.Delete(old, recursive: true);
            }
        }
    }

    /// <summary>The informational keys of config.json.</summary>
    public IReadOnlyDictionary<string, JsonNode?> ConfigExtras(long trainSteps) => new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
    {
        ["guidance_scale"] = Options.GuidanceScale,
        ["teacher"] = Teacher.WeightsRoot ?? Teacher.Description,
        ["train_steps"] = trainSteps,
        ["seed"] = Options.Seed,
        ["batch_size"] = Options.BatchSize,
        ["gradient_accumulation"] = Options.GradientAccumulation,
        ["learning_rate"] = Options.LearningRate,
        ["inverse_snr_weight_cap"] = Options.InverseSnrWeightCap,
        ["image_size"] = ImageSize,
        ["negative_prompts"] = Options.NegativePrompts is { Count: > 0 },
        ["teacher_precision"] = Options.TeacherPrecision.ToString().ToLowerInvariant(),
    };

    /// <summary>Kept in checkpoint manifests.</summary>
    public IReadOnlyDictionary<string, string> Metadata() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["trainer"] = "dice_sharpener",
        ["teacher"] = Teacher.WeightsRoot ?? Teacher.Description,
        ["sharpener_config"] = SharpenerConfig.ToJson(),
        ["guidance_scale"] = Options.GuidanceScale.ToString("R", CultureInfo.InvariantCulture),
        ["seed"] = Options.Seed.ToString(CultureInfo.InvariantCulture),
        ["batch_size"] = Options.BatchSize.ToString(CultureInfo.InvariantCulture),
        ["gradient_accumulation"] = Options.GradientAccumulation.ToString(CultureInfo.InvariantCulture),
        ["learning_rate"] = Options.LearningRate.ToString("R", CultureInfo.InvariantCulture),
        ["inverse_snr_weight_cap"] = Options.InverseSnrWeightCap.ToString("R", CultureInfo.InvariantCulture),
        ["scaling_factor"] = ScalingFactor.ToString("R", CultureInfo.InvariantCulture),
        ["image_size"] = ImageSize.ToString(CultureInfo.InvariantCulture),
        ["data"] = Options.Data.Source,
        ["negative_prompts"] = (Options.NegativePrompts?.Count ?? 0).ToString(CultureInfo.InvariantCulture),
        ["teacher_precision"] = Options.TeacherPrecision.ToString().ToLowerInvariant(),
    };

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
            using var batch = SampleBatch(stepIndex, m);
            total += Backward(batch, Options.GradientAccumulation);
        }
        Optimizer.step();
        return new TrainingStepResult(total / Options.GradientAccumulation);
    }

    private double Backward(SharpenerBatch batch, int microBatches)
    {
        using var scope = NewDisposeScope();
        var target = Target(batch);
        var loss = Loss(batch, target);
        var value = loss.ToDouble();
        (microBatches == 1 ? loss : loss / microBatches).backward();
        return value;
    }

    private Tensor Loss(SharpenerBatch batch, Tensor target)
    {
        var noisy = NoisyLatents(batch);
        var student = Unet.Forward(noisy, batch.Timesteps, DiceEmbedding(batch.Conditional, batch.Unconditional));
        var sum = (student - target).abs().sum();
        return lossWeights is null
            ? sum / batch.Size
            : sum * lossWeights.index_select(0, batch.Timesteps.narrow(0, 0, 1)).squeeze(0) / batch.Size;
    }

    /// <summary>
    /// Per-timestep factors of the L1 loss for <see cref="SharpenerTrainingOptions.InverseSnrWeightCap"/>:
    /// √min(max(1/SNR_t, 1), cap), so that below SNR 1 the loss approaches the x0 error, up to √cap times the ε one.
    /// </summary>
    public static float[] LossWeights(DiffusionNoiseSchedule schedule, double cap)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return schedule.InverseSnrLossWeights(cap).Select(MathF.Sqrt).ToArray();
    }

    private int[] Permutation(long epoch)
    {
        if (permutations.TryGetValue(epoch, out var cached))
        {
            return cached;
        }
        if (permutations.Count >= 2)
        {
            permutations.Remove(permutations.Keys.Min());
        }
        var count = Options.Data.Items.Count;
        var order = Enumerable.Range(0, count).ToArray();
        var random = new DeterministicRandom(SeedDerivation.Derive(Options.Seed, $"data.epoch.{epoch.ToString(CultureInfo.InvariantCulture)}"));
        for (var i = count - 1; i > 0; i--)
        {
            var j = random.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        permutations[epoch] = order;
        return order;
    }

    private static void LoadFrozen(TorchOps ops, string weightsFolder, Action<ITensorOps<ParameterInventory.Declared>> define)
    {
        using (var source = WeightSource.Open(weightsFolder, define))
        {
            ops.Load(source);
        }
        ops.RequiresGrad(false);
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
