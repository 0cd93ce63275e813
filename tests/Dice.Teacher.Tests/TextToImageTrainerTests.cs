using Dice.Models.Unet;
using Dice.Models.Vae;
using Dice.Trainer;
using Dice.Trainer.Teacher;
using Dice.Trainer.Training;
using Dice.Torch;

namespace Dice.Teacher.Tests;

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
        using var variance = centred.square().mean();
        Assert.Equal(1.0, variance.item(), 3);
    }

    public void Dispose()
    {
        vae?.Dispose();
        vaeOps.Dispose();
    }
}
