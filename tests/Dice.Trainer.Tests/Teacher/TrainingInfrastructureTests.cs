using Dice.Trainer.Teacher;
using Dice.Trainer.Training;
using TorchSharp;

namespace Dice.Trainer.Tests.Teacher;

public sealed class TrainingInfrastructureTests
{
    [Fact]
    public void The_noise_schedule_is_sd15s()
    {
        var schedule = DiffusionNoiseSchedule.StableDiffusion15;
        Assert.Equal(1000, schedule.AlphasCumprod.Count);
        Assert.Equal(1 - 0.00085, schedule.AlphasCumprod[0], 6);
        Assert.Equal(0.0047, schedule.AlphasCumprod[999], 4);
        Assert.True(schedule.AlphasCumprod.Zip(schedule.AlphasCumprod.Skip(1)).All(p => p.Second < p.First));
    }

    [Fact]
    public void Generator_states_survive_a_checkpoint()
    {
        using var temp = new TempDirectory();
        using var generator = new torch.Generator(1);
        using (torch.randn([10], generator: generator)) { }
        var state = new TrainingState().AddGenerator("noise", generator);
        new TrainingCheckpoint(temp.Path).Save(state, 1);
        using var expected = torch.randn([10], generator: generator);

        using var other = new torch.Generator(99);
        var manifest = new TrainingCheckpoint(temp.Path).TryLoadLatest(new TrainingState().AddGenerator("noise", other));
        using var actual = torch.randn([10], generator: other);
        Assert.Equal(1, manifest?.Step);
        Assert.True(expected.Equals(actual));
    }

    [Fact]
    public void A_checkpoint_with_other_contents_is_refused()
    {
        using var temp = new TempDirectory();
        using var generator = new torch.Generator(1);
        new TrainingCheckpoint(temp.Path).Save(new TrainingState().AddGenerator("noise", generator), 1);
        Assert.Throws<InvalidDataException>(() =>
            new TrainingCheckpoint(temp.Path).TryLoadLatest(new TrainingState().AddGenerator("other", generator)));
    }

    [Fact]
    public void Only_the_newest_checkpoints_are_kept()
    {
        using var temp = new TempDirectory();
        using var generator = new torch.Generator(1);
        var state = new TrainingState().AddGenerator("noise", generator);
        var checkpoints = new TrainingCheckpoint(temp.Path);
        for (var step = 1; step <= 4; step++)
        {
            checkpoints.Save(state, step, keep: 2);
        }
        Assert.Equal([3L, 4L], checkpoints.List().Select(c => c.Step));
    }

    [Fact]
    public void The_runner_reports_progress_and_logs_every_step()
    {
        using var temp = new TempDirectory();
        var reports = new List<TrainingProgress>();
        var progress = new SynchronousProgress(reports.Add);
        var result = TrainingRunner.Run(new TrainingState(), new TrainingRunOptions { Steps = 3, LossLogPath = temp.File("log.jsonl") },
            i => new TrainingStepResult(1.0 / (i + 1), new Dictionary<string, double> { ["part"] = i }), progress: progress);

        Assert.Equal([1L, 2L, 3L], reports.Select(r => r.Step));
        Assert.All(reports, r => Assert.Equal(3, r.TotalSteps));
        // The step function's losses 1/(i + 1), in order, and the fraction done after the last step.
        Assert.Equal([1.0, 0.5, 1.0 / 3], reports.Select(r => r.Loss));
        Assert.Equal(1.0, reports[^1].Fraction);
        Assert.Equal(result.Losses, LossLog.Read(temp.File("log.jsonl")));
    }

    [Fact]
    public void Derived_seeds_differ_by_purpose_and_are_stable()
    {
        Assert.NotEqual(SeedDerivation.Derive(1, "unet.init"), SeedDerivation.Derive(1, "text_encoder.init"));
        Assert.NotEqual(SeedDerivation.Derive(1, "unet.init"), SeedDerivation.Derive(2, "unet.init"));
        Assert.Equal(SeedDerivation.Derive(1, "unet.init"), SeedDerivation.Derive(1, "unet.init"));
    }

    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
