using Dice.Models.Vae;
using Dice.Trainer.Teacher;
using Dice.Trainer.Training;

namespace Dice.Trainer.Tests.Teacher;

public sealed class VaeTrainerTests
{
    private static VaeTrainingOptions Options(TrainingRunOptions? run = null) => new()
    {
        Model = AutoencoderKLConfig.Tiny(),
        BatchSize = 4,
        LearningRate = 1e-3,
        KlWeight = 1e-4,
        Seed = 7,
        Run = run ?? new TrainingRunOptions { Steps = 3 },
    };

    [Fact]
    public void One_step_decreases_the_loss_on_a_fixed_batch()
    {
        using var trainer = new VaeTrainer(Options());
        using var batch = trainer.LoadBatch(0);
        var before = trainer.EvaluateLoss(batch.Images);
        trainer.TrainStep(batch.Images);
        var after = trainer.EvaluateLoss(batch.Images);
        Assert.True(after.Total < before.Total, $"loss went from {before.Total} to {after.Total}");
        Assert.True(before.Kl > 0);
    }

    [Fact]
    public void The_same_seed_gives_bit_identical_losses()
    {
        using var first = new VaeTrainer(Options());
        using var second = new VaeTrainer(Options());
        var a = first.Train().Losses;
        var b = second.Train().Losses;
        Assert.Equal(3, a.Count);
        Assert.Equal(a, b);
        Assert.All(a, l => Assert.True(double.IsFinite(l.Loss)));
    }

    [Fact]
    public void Resuming_from_a_checkpoint_gives_the_losses_of_an_uninterrupted_run()
    {
        using var temp = new TempDirectory();
        using var uninterrupted = new VaeTrainer(Options(new TrainingRunOptions { Steps = 4 }));
        var expected = uninterrupted.Train().Losses;

        var run = new TrainingRunOptions { Steps = 2, CheckpointFolder = temp.File("ckpt"), LossLogPath = temp.File("loss.jsonl") };
        using (var stopped = new VaeTrainer(Options(run)))
        {
            var firstPart = stopped.Train();
            Assert.Equal(expected.Take(2), firstPart.Losses);
        }
        using var resumed = new VaeTrainer(Options(run with { Steps = 4, Resume = true }));
        var rest = resumed.Train();

        Assert.Equal(2, rest.StartStep);
        Assert.Equal(expected.Skip(2), rest.Losses);
        Assert.Equal(expected, LossLog.Read(temp.File("loss.jsonl")));
    }

    [Fact]
    public void A_checkpoint_write_that_dies_midway_leaves_the_previous_checkpoint_loadable()
    {
        using var temp = new TempDirectory();
        var folder = temp.File("ckpt");
        using var trainer = new VaeTrainer(Options(new TrainingRunOptions { Steps = 2, CheckpointFolder = folder }));
        trainer.Train();
        using var probe = trainer.LoadBatch(5);
        var lossAtStep2 = trainer.EvaluateLoss(probe.Images);

        trainer.TrainStep(probe.Images);
        var files = 0;
        var failing = new TrainingCheckpoint(folder)
        {
            FileWritten = _ =>
            {
                if (++files == 1)
                {
                    throw new IOException("simulated crash");
                }
            },
        };
        Assert.Throws<IOException>(() => failing.Save(trainer.State, 3));

        Assert.Equal([TrainingCheckpoint.FolderName(2)], Directory.GetDirectories(folder).Select(Path.GetFileName));
        using var restored = new VaeTrainer(Options());
        var manifest = new TrainingCheckpoint(folder).TryLoadLatest(restored.State);
        Assert.NotNull(manifest);
        Assert.Equal(2, manifest.Step);
        Assert.Equal(lossAtStep2, restored.EvaluateLoss(probe.Images));
    }

    [Fact]
    public void A_staging_folder_left_by_a_dead_process_is_ignored_and_then_removed()
    {
        using var temp = new TempDirectory();
        var folder = temp.File("ckpt");
        using var trainer = new VaeTrainer(Options(new TrainingRunOptions { Steps = 1, CheckpointFolder = folder }));
        trainer.Train();
        var leftover = Path.Combine(folder, ".staging-" + TrainingCheckpoint.FolderName(9) + "-dead");
        Directory.CreateDirectory(leftover);
        File.WriteAllText(Path.Combine(leftover, "model.vae.safetensors"), "half a file");
        var checkpoints = new TrainingCheckpoint(folder);

        Assert.Equal(1, checkpoints.Latest()?.Step);
        checkpoints.Save(trainer.State, 1);
        Assert.False(Directory.Exists(leftover));
    }
}
