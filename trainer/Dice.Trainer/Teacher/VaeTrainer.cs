using System.Globalization;
using Dice.Models.Vae;
using Dice.Trainer.Training;
using TorchSharp;
using static TorchSharp.torch;
using AdamW = Dice.Trainer.Training.AdamW;
using F = TorchSharp.torch.nn.functional;

namespace Dice.Trainer.Teacher;

/// <summary>
/// Trains dice-mini's AutoencoderKL on rendered scenes: loss = L1 (or MSE) of decode(z), z ~ N(mean, exp(logvar)),
/// plus kl_weight · KL(N(mean, σ²) ‖ N(0, 1)), with AdamW. Seeded throughout: the same options give the same
/// losses bit for bit on the CPU, and a resumed run continues exactly.
/// </summary>
public sealed class VaeTrainer : IDisposable
{
    /// <summary>Checkpoint names.</summary>
    public const string ModelName = "vae";
    public const string OptimizerName = "adamw";
    public const string PosteriorGeneratorName = "posterior";

    private readonly Generator posteriorNoise;
    private readonly SceneBatchSource data;

    public VaeTrainer(VaeTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Ops = new TorchOps(options.Device, ScalarType.Float32, SeedDerivation.Derive(options.Seed, "vae.init"));
        Model = new AutoencoderKL<Tensor>(Ops, options.Model);
        Optimizer = new AdamW(Ops.Parameters, options.LearningRate, options.Beta1, options.Beta2, eps: 1e-8, weight_decay: options.WeightDecay);
        posteriorNoise = new Generator(SeedDerivation.Derive(options.Seed, "vae.posterior"));
        data = new SceneBatchSource(options.DatasetSeed, options.ImageSize, options.DatasetSize);
        State = new TrainingState()
            .AddModel(ModelName, Ops)
            .AddOptimizer(OptimizerName, Optimizer)
            .AddGenerator(PosteriorGeneratorName, posteriorNoise);
    }

    public VaeTrainingOptions Options { get; }

    /// <summary>The parameters (save them with <see cref="TorchOps.Save"/> for diffusers' vae/diffusion_pytorch_model.safetensors).</summary>
    public TorchOps Ops { get; }

    public AutoencoderKL<Tensor> Model { get; }

    public AdamW Optimizer { get; }

    /// <summary>What a checkpoint holds.</summary>
    public TrainingState State { get; }

    /// <summary>The training batch of step <paramref name="stepIndex"/> (0-based).</summary>
    public SceneBatch LoadBatch(long stepIndex) => data.Batch(stepIndex, Options.BatchSize);

    /// <summary>The loss on <paramref name="images"/> decoding the posterior mean (no sampling, no randomness used).</summary>
    public VaeLoss EvaluateLoss(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (total, rec, kl) = Loss(images, sample: false);
        return new VaeLoss(total.ToDouble(), rec.ToDouble(), kl.ToDouble());
    }

    /// <summary>One AdamW step on <paramref name="images"/> [B, 3, H, W] in [−1, 1]; returns the loss before the update.</summary>
    public VaeLoss TrainStep(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var scope = NewDisposeScope();
        Optimizer.zero_grad();
        var (total, rec, kl) = Loss(images, sample: true);
        total.backward();
        Optimizer.step();
        return new VaeLoss(total.ToDouble(), rec.ToDouble(), kl.ToDouble());
    }

    /// <summary>Runs (or resumes) training for <see cref="TrainingRunOptions.Steps"/> steps.</summary>
    public TrainingRunResult Train(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        TrainingRunner.Run(State, Options.Run, Step, Metadata(), progress, cancellationToken: cancellationToken);

    /// <summary>Like <see cref="Train"/>, with a hook on every checkpoint file written (see <see cref="TrainingCheckpoint.FileWritten"/>).</summary>
    public TrainingRunResult Train(Action<string>? checkpointFileWritten, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        TrainingRunner.Run(State, Options.Run, Step, Metadata(), progress, checkpointFileWritten, cancellationToken);

    /// <summary>Kept in checkpoint manifests.</summary>
    public IReadOnlyDictionary<string, string> Metadata() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["trainer"] = "vae",
        ["vae_config"] = Options.Model.ToJson(),
        ["seed"] = Options.Seed.ToString(CultureInfo.InvariantCulture),
        ["batch_size"] = Options.BatchSize.ToString(CultureInfo.InvariantCulture),
        ["learning_rate"] = Options.LearningRate.ToString("R", CultureInfo.InvariantCulture),
        ["kl_weight"] = Options.KlWeight.ToString("R", CultureInfo.InvariantCulture),
        ["reconstruction"] = Options.Reconstruction.ToString(),
        ["dataset_seed"] = Options.DatasetSeed.ToString(CultureInfo.InvariantCulture),
        ["image_size"] = Options.ImageSize.ToString(CultureInfo.InvariantCulture),
    };

    private TrainingStepResult Step(long stepIndex)
    {
        using var batch = LoadBatch(stepIndex);
        using var images = batch.Images.to(Ops.Device);
        var loss = TrainStep(images);
        return new TrainingStepResult(loss.Total, new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["reconstruction"] = loss.Reconstruction,
            ["kl"] = loss.Kl,
        });
    }

    private (Tensor Total, Tensor Reconstruction, Tensor Kl) Loss(Tensor images, bool sample)
    {
        var x = TorchDevices.Same(images.device, Ops.Device) ? images : images.to(Ops.Device);
        var moments = Model.Encode(x);
        var parts = moments.chunk(2, 1);
        var mean = parts[0];
        // diffusers' DiagonalGaussianDistribution clamps the log-variance the same way.
        var logvar = parts[1].Clamped(-30, 20);
        var variance = logvar.exp();
        Tensor z;
        if (sample)
        {
            var eps = SeededRandom.Randn(mean.shape, ScalarType.Float32, Ops.Device, posteriorNoise);
            z = mean.Plus(logvar.Times(0.5).exp() * eps);
        }
        else
        {
            z = mean;
        }
        var reconstruction = Model.Decode(z);
        var rec = Options.Reconstruction == ReconstructionLoss.L1 ? F.l1_loss(reconstruction, x) : F.mse_loss(reconstruction, x);
        var kl = mean.Squared().Plus(variance).Minus(1).sub(logvar).sum().Times(0.5).DividedBy(x.size(0));
        var total = rec.Plus(kl.Times(Options.KlWeight));
        return (total, rec, kl);
    }

    public void Dispose()
    {
        Optimizer.Dispose();
        posteriorNoise.Dispose();
        Ops.Dispose();
    }
}
