using Dice.Models.Unet;
using Dice.Models.Vae;
using Dice.Trainer;
using Dice.Trainer.Teacher;
using Dice.Trainer.Training;
using TorchSharp;

namespace Dice.Trainer.Tests.Teacher;

public sealed class TextToImageTrainerTests(TokenizerFixture tokenizer) : IClassFixture<TokenizerFixture>, IDisposable
{
    private readonly TorchOps vaeOps = new(seed: 3);
    private FrozenVae? vae;

    private FrozenVae Vae => vae ??= new FrozenVae(new AutoencoderKL<torch.Tensor>(vaeOps, AutoencoderKLConfig.Tiny()), vaeOps);

    private TextToImageTrainingOptions Options(TrainingRunOptions? run = null) => new()
    {
        TextEncoder = tokenizer.TextEncoder,
        Unet = UNet2DConditionConfig.Tiny(),
        TokenizerFolder = tokenizer.Folder,
        BatchSize = 4,
        LearningRate = 1e-3,
        Seed = 11,
        Run = run ?? new TrainingRunOptions { Steps = 2 },
    };

    [Fact]
    public void One_step_decreases_the_loss_on_a_fixed_batch()
    {
        using var trainer = new TextToImageTrainer(Options(), Vae);
        using var batch = trainer.SampleBatch(0);
        Assert.Equal([4, 4, 4, 4], batch.Latents.shape);
        Assert.Equal([4, TokenizerFixture.MaxLength], batch.InputIds.shape);
        var before = trainer.EvaluateLoss(batch);
        trainer.TrainStep(batch);
        var after = trainer.EvaluateLoss(batch);
        Assert.True(after < before, $"loss went from {before} to {after}");
    }

    [Fact]
    public void The_inverse_snr_weights_are_one_at_low_noise_and_capped_at_high_noise()
    {
        var schedule = DiffusionNoiseSchedule.StableDiffusion15;
        var weights = schedule.InverseSnrLossWeights(20);
        Assert.Equal(1f, weights[0]);
        Assert.Equal(1f, weights[300]); // SNR 1.45 there
        var a700 = schedule.AlphasCumprod[700];
        Assert.Equal((1 - a700) / a700, weights[700], 4); // 11.1, under the cap
        Assert.Equal(20f, weights[999]); // 1/SNR is 213 at t = 999
        Assert.All(schedule.InverseSnrLossWeights(1), w => Assert.Equal(1f, w));
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.InverseSnrLossWeights(0.5));
        Assert.Throws<ArgumentException>(() => new TextToImageTrainer(Options() with { InverseSnrWeightCap = double.NaN }, Vae));
    }

    [Fact]
    public void The_weighted_loss_scales_each_sample_by_its_timesteps_weight()
    {
        using var plain = new TextToImageTrainer(Options(), Vae);
        using var weighted = new TextToImageTrainer(Options() with { InverseSnrWeightCap = 20 }, Vae);
        using var sampled = plain.SampleBatch(0);
        DiffusionBatch At(long t) => new(sampled.Latents.clone(), sampled.InputIds.clone(), torch.tensor(new[] { t, t, t, t }),
            sampled.Noise.clone(), sampled.Captions);
        using var highNoise = At(999);
        using var lowNoise = At(10);
        Assert.Equal(20 * plain.EvaluateLoss(highNoise), weighted.EvaluateLoss(highNoise), 5);
        Assert.Equal(plain.EvaluateLoss(lowNoise), weighted.EvaluateLoss(lowNoise), 6);
        Assert.Equal("20", weighted.Metadata()["inverse_snr_weight_cap"]);
    }

    [Fact]
    public void Caption_noise_reaches_the_training_captions()
    {
        using var exact = new TextToImageTrainer(Options() with { BatchSize = 32 }, Vae);
        using var noisy = new TextToImageTrainer(Options() with { BatchSize = 32, CaptionNoise = 0.5 }, Vae);
        using var a = exact.SampleBatch(0);
        using var b = noisy.SampleBatch(0);
        var differing = a.Captions.Zip(b.Captions).Count(p => p.First != p.Second);
        Assert.InRange(differing, 20, 32);
        Assert.Throws<ArgumentException>(() => new TextToImageTrainer(Options() with { CaptionNoise = 1.5 }, Vae));
    }

    [Fact]
    public void The_same_seed_gives_bit_identical_losses()
    {
        using var first = new TextToImageTrainer(Options(), Vae);
        using var second = new TextToImageTrainer(Options(), Vae);
        var a = first.Train().Losses;
        var b = second.Train().Losses;
        Assert.Equal(2, a.Count);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Resuming_from_a_checkpoint_gives_the_losses_of_an_uninterrupted_run()
    {
        using var temp = new TempDirectory();
        using var uninterrupted = new TextToImageTrainer(Options(new TrainingRunOptions { Steps = 3 }), Vae);
        var expected = uninterrupted.Train().Losses;

        var run = new TrainingRunOptions { Steps = 2, CheckpointFolder = temp.File("ckpt") };
        using (var stopped = new TextToImageTrainer(Options(run), Vae))
        {
            stopped.Train();
        }
        using var resumed = new TextToImageTrainer(Options(run with { Steps = 3, Resume = true }), Vae);
        var rest = resumed.Train();

        Assert.Equal(2, rest.StartStep);
        Assert.Equal(expected.Skip(2), rest.Losses);
    }

    [Fact]
    public void The_scaling_factor_estimate_gives_latents_of_unit_spread()
    {
        var source = new SceneBatchSource(1, 32);
        using var batch = source.Batch(0, 8);
        var factor = ScalingFactorEstimator.Estimate(Vae, batch.Images);
        using var latents = Vae.EncodeLatents(batch.Images, factor);
        using var centred = latents - latents.mean();
        using var variance = centred.Squared().mean();
        Assert.Equal(1.0, variance.ToDouble(), 3);
    }

    public void Dispose()
    {
        vae?.Dispose();
        vaeOps.Dispose();
    }
}
