using System.Globalization;
using Dice.Models.Clip;
using Dice.Models.Unet;
using Dice.Core.Tokenization;
using Dice.Trainer.Training;
using TorchSharp;
using static TorchSharp.torch;
using AdamW = Dice.Trainer.Training.AdamW;
using F = TorchSharp.torch.nn.functional;

namespace Dice.Trainer.Teacher;

/// <summary>
/// Trains dice-mini's CLIP text encoder and UNet jointly on the latents of a frozen VAE, as SD1.x was trained:
/// x0 = encode(image).mean × scaling_factor, t ~ U{0 … 999}, ε ~ N(0, 1), x_t = √ᾱ_t·x0 + √(1 − ᾱ_t)·ε with SD1.5's
/// schedule, loss = MSE(unet(x_t, t, clip(ids).last_hidden_state), ε) (epsilon prediction; optionally each sample's
/// MSE weighted by min(max(1/SNR_t, 1), cap), see <see cref="TextToImageTrainingOptions.InverseSnrWeightCap"/>), 10% of captions
/// replaced by "" for classifier-free guidance; AdamW over both models. Seeded throughout: same options, same
/// losses bit for bit on the CPU; a resumed run continues exactly.
/// </summary>
public sealed class TextToImageTrainer : IDisposable
{
    /// <summary>Checkpoint names.</summary>
    public const string TextEncoderName = "text_encoder";
    public const string UnetName = "unet";
    public const string OptimizerName = "adamw";
    public const string CaptionGeneratorName = "captions";
    public const string DiffusionGeneratorName = "diffusion";

    private readonly FrozenVae vae;
    private readonly SceneBatchSource data;
    private readonly Generator captionNoise;
    private readonly Generator diffusionNoise;
    private readonly Tensor signalScales;
    private readonly Tensor noiseScales;
    private readonly Tensor? lossWeights;

    /// <param name="options">Models, tokenizer, optimisation, seed.</param>
    /// <param name="vae">The trained VAE (not owned; not trained).</param>
    public TextToImageTrainer(TextToImageTrainingOptions options, FrozenVae vae)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(vae);
        options.Validate();
        Validate(options, vae);
        Options = options;
        this.vae = vae;
        Tokenizer = ClipTokenizer.Load(options.TokenizerFolder);
        if (Tokenizer.MaxLength > options.TextEncoder.MaxPositionEmbeddings || Tokenizer.VocabSize > options.TextEncoder.VocabSize)
        {
            throw new ArgumentException(
                $"the tokenizer (max length {Tokenizer.MaxLength}, {Tokenizer.VocabSize} tokens) does not fit the text encoder "
                + $"(max_position_embeddings {options.TextEncoder.MaxPositionEmbeddings}, vocab_size {options.TextEncoder.VocabSize})");
        }
        ScalingFactor = options.ScalingFactor ?? vae.Config.ScalingFactor;
        Schedule = DiffusionNoiseSchedule.StableDiffusion15;
        CaptionDropout = new CaptionDropout(options.EmptyCaptionProbability);
        data = new SceneBatchSource(options.DatasetSeed, options.ImageSize, options.DatasetSize, options.CaptionNoise);

        TextEncoderOps = new TorchOps(options.Device, ScalarType.Float32, SeedDerivation.Derive(options.Seed, "text_encoder.init"));
        UnetOps = new TorchOps(options.Device, ScalarType.Float32, SeedDerivation.Derive(options.Seed, "unet.init"));
        TextEncoder = new ClipTextModel<Tensor>(TextEncoderOps, options.TextEncoder);
        Unet = new UNet2DConditionModel<Tensor>(UnetOps, options.Unet);
        Optimizer = new AdamW(TextEncoderOps.Parameters.Concat(UnetOps.Parameters), options.LearningRate,
            options.Beta1, options.Beta2, eps: 1e-8, weight_decay: options.WeightDecay);
        captionNoise = new Generator(SeedDerivation.Derive(options.Seed, "captions"));
        diffusionNoise = new Generator(SeedDerivation.Derive(options.Seed, "diffusion"));
        using (var cpuSignal = tensor(Schedule.SignalScales()))
        using (var cpuNoise = tensor(Schedule.NoiseScales()))
        {
            signalScales = cpuSignal.to(UnetOps.Device).DetachFromDisposeScope();
            noiseScales = cpuNoise.to(UnetOps.Device).DetachFromDisposeScope();
        }
        if (options.InverseSnrWeightCap > 1)
        {
            using var cpuWeights = tensor(Schedule.InverseSnrLossWeights(options.InverseSnrWeightCap));
            lossWeights = cpuWeights.to(UnetOps.Device).DetachFromDisposeScope();
        }
        State = new TrainingState()
            .AddModel(TextEncoderName, TextEncoderOps)
            .AddModel(UnetName, UnetOps)
            .AddOptimizer(OptimizerName, Optimizer)
            .AddGenerator(CaptionGeneratorName, captionNoise)
            .AddGenerator(DiffusionGeneratorName, diffusionNoise);
    }

    public TextToImageTrainingOptions Options { get; }

    public ClipTokenizer Tokenizer { get; }

    /// <summary>What the VAE's posterior means are multiplied by.</summary>
    public double ScalingFactor { get; }

    public DiffusionNoiseSchedule Schedule { get; }

    public CaptionDropout CaptionDropout { get; }

    /// <summary>The text encoder's parameters (text_encoder/model.safetensors).</summary>
    public TorchOps TextEncoderOps { get; }

    /// <summary>The UNet's parameters (unet/diffusion_pytorch_model.safetensors).</summary>
    public TorchOps UnetOps { get; }

    public ClipTextModel<Tensor> TextEncoder { get; }

    public UNet2DConditionModel<Tensor> Unet { get; }

    public AdamW Optimizer { get; }

    /// <summary>What a checkpoint holds (the VAE is frozen and not in it).</summary>
    public TrainingState State { get; }

    /// <summary>
    /// The batch of step <paramref name="stepIndex"/>: its scenes encoded to latents, captions dropped and tokenized,
    /// timesteps and noise drawn. Draws from the trainer's generators, so call it once per step, in order.
    /// </summary>
    public DiffusionBatch SampleBatch(long stepIndex)
    {
        using var scenes = data.Batch(stepIndex, Options.BatchSize);
        return SampleBatch(scenes);
    }

    /// <summary>A batch built from given scenes (drawing dropout, timesteps and noise from the trainer's generators).</summary>
    public DiffusionBatch SampleBatch(SceneBatch scenes)
    {
        ArgumentNullException.ThrowIfNull(scenes);
        using var scope = NewDisposeScope();
        var device = UnetOps.Device;
        var batch = scenes.Captions.Count;
        var latents = vae.EncodeLatents(scenes.Images, ScalingFactor);
        var captions = CaptionDropout.Apply(scenes.Captions, captionNoise);
        var ids = Tokenize(captions).to(device);
        var timesteps = SeededRandom.Randint(0, Schedule.TrainTimesteps, [batch], device, diffusionNoise);
        var noise = SeededRandom.Randn(latents.shape, ScalarType.Float32, device, diffusionNoise);
        return new DiffusionBatch(
            latents.to(device).DetachFromDisposeScope(),
            ids.DetachFromDisposeScope(),
            timesteps.DetachFromDisposeScope(),
            noise.DetachFromDisposeScope(),
            captions);
    }

    /// <summary>The token ids [B, L] (int64, on the CPU) of <paramref name="captions"/>.</summary>
    public Tensor Tokenize(IReadOnlyList<string> captions)
    {
        ArgumentNullException.ThrowIfNull(captions);
        var length = Tokenizer.MaxLength;
        var ids = new long[captions.Count * length];
        var row = new int[length];
        for (var b = 0; b < captions.Count; b++)
        {
            Tokenizer.Tokenize(captions[b], row);
            for (var i = 0; i < length; i++)
            {
                ids[(b * length) + i] = row[i];
            }
        }
        return tensor(ids, [captions.Count, length]);
    }

    /// <summary>The denoising loss on <paramref name="batch"/>, without gradients or randomness.</summary>
    public double EvaluateLoss(DiffusionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Loss(batch).ToDouble();
    }

    /// <summary>One AdamW step on both models; returns the loss before the update.</summary>
    public double TrainStep(DiffusionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        Optimizer.zero_grad();
        var loss = Loss(batch);
        loss.backward();
        Optimizer.step();
        return loss.ToDouble();
    }

    /// <summary>Runs (or resumes) training for <see cref="TrainingRunOptions.Steps"/> steps.</summary>
    public TrainingRunResult Train(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        TrainingRunner.Run(State, Options.Run, Step, Metadata(), progress, cancellationToken: cancellationToken);

    /// <summary>Kept in checkpoint manifests.</summary>
    public IReadOnlyDictionary<string, string> Metadata() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["trainer"] = "text_to_image",
        ["text_encoder_config"] = Options.TextEncoder.ToJson(),
        ["unet_config"] = Options.Unet.ToJson(),
        ["vae_config"] = vae.Config.ToJson(),
        ["scaling_factor"] = ScalingFactor.ToString("R", CultureInfo.InvariantCulture),
        ["seed"] = Options.Seed.ToString(CultureInfo.InvariantCulture),
        ["batch_size"] = Options.BatchSize.ToString(CultureInfo.InvariantCulture),
        ["learning_rate"] = Options.LearningRate.ToString("R", CultureInfo.InvariantCulture),
        ["caption_noise"] = Options.CaptionNoise.ToString("R", CultureInfo.InvariantCulture),
        ["inverse_snr_weight_cap"] = Options.InverseSnrWeightCap.ToString("R", CultureInfo.InvariantCulture),
        ["empty_caption_probability"] = Options.EmptyCaptionProbability.ToString("R", CultureInfo.InvariantCulture),
        ["dataset_seed"] = Options.DatasetSeed.ToString(CultureInfo.InvariantCulture),
        ["image_size"] = Options.ImageSize.ToString(CultureInfo.InvariantCulture),
    };

    private TrainingStepResult Step(long stepIndex)
    {
        using var batch = SampleBatch(stepIndex);
        return new TrainingStepResult(TrainStep(batch));
    }

    private Tensor Loss(DiffusionBatch batch)
    {
        var b = batch.Latents.size(0);
        var a = signalScales.index_select(0, batch.Timesteps).reshape(b, 1, 1, 1);
        var s = noiseScales.index_select(0, batch.Timesteps).reshape(b, 1, 1, 1);
        var noisy = (a * batch.Latents).Plus(s * batch.Noise);
        var hidden = TextEncoder.Forward(batch.InputIds).LastHiddenState;
        var prediction = Unet.Forward(noisy, batch.Timesteps, hidden);
        if (lossWeights is null)
        {
            return F.mse_loss(prediction, batch.Noise);
        }
        var perSample = (prediction - batch.Noise).Squared().mean([1L, 2L, 3L]);
        return (perSample * lossWeights.index_select(0, batch.Timesteps)).mean();
    }

    private static void Validate(TextToImageTrainingOptions options, FrozenVae vae)
    {
        if (options.Unet.InChannels != vae.Config.LatentChannels || options.Unet.OutChannels != vae.Config.LatentChannels)
        {
            throw new ArgumentException(
                $"the UNet's in/out channels ({options.Unet.InChannels}/{options.Unet.OutChannels}) must equal the VAE's latent channels {vae.Config.LatentChannels}");
        }
        if (options.ImageSize % vae.Config.DownscaleFactor != 0)
        {
            throw new ArgumentException($"image size {options.ImageSize} is not a multiple of the VAE's downscale factor {vae.Config.DownscaleFactor}");
        }
        var latentSize = options.ImageSize / vae.Config.DownscaleFactor;
        if (latentSize % options.Unet.SpatialMultiple != 0)
        {
            throw new ArgumentException(
                $"{options.ImageSize}px images give {latentSize}×{latentSize} latents, not a multiple of the UNet's {options.Unet.SpatialMultiple}");
        }
    }

    public void Dispose()
    {
        Optimizer.Dispose();
        captionNoise.Dispose();
        diffusionNoise.Dispose();
        signalScales.Dispose();
        noiseScales.Dispose();
        lossWeights?.Dispose();
        TextEncoderOps.Dispose();
        UnetOps.Dispose();
    }
}
