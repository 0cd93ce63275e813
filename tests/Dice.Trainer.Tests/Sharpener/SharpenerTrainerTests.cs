using Dice.Trainer;
using Dice.Runtime.Pipelines;
using System.Globalization;
using Dice.Exporter;
using Dice.Models.Sharpener;
using Dice.Trainer.Sharpener;
using Dice.Trainer.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Dice.Trainer.Tests.Sharpener;

[Collection(TinyOnnxModelCollection.Name)]
public sealed class SharpenerTrainerTests(TinyOnnxModel model, DatasetFixture data, ITestOutputHelper output) : IClassFixture<DatasetFixture>
{
    [Fact]
    public void One_step_lowers_the_loss_on_a_fixed_batch()
    {
        using var trainer = new SharpenerTrainer(Trainers.Options(model, data) with { LearningRate = 1e-3 });
        using var batch = trainer.SampleBatch(0);
        var before = trainer.EvaluateLoss(batch);
        var during = trainer.TrainStep(batch);
        var after = trainer.EvaluateLoss(batch);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"t = {batch.Timesteps.data<long>().ToArray()[0]}: loss {before:R} → {after:R}"));
        Assert.Equal(before, during, 4);
        Assert.True(after < before, $"loss {before} → {after}");
    }

    [Fact]
    public void The_target_is_the_cfg_combination_of_two_teacher_calls()
    {
        using var trainer = new SharpenerTrainer(Trainers.Options(model, data) with { GuidanceScale = 5 });
        using var batch = trainer.SampleBatch(0);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var times = batch.Timesteps.data<long>().ToArray();
        Assert.All(times, t => Assert.Equal(times[0], t));
        var abar = trainer.Schedule.AlphasCumprod[(int)times[0]];
        var noisy = batch.Latents.Times(Math.Sqrt(abar)).Plus(batch.Noise.Times(Math.Sqrt(1 - abar)));
        Assert.True(Trainers.MaxAbsDifference(noisy, trainer.NoisyLatents(batch)) < 1e-5);
        var uncond = trainer.TeacherNoise(noisy, batch.Timesteps, trainer.NullEmbedding.expand(4, batch.Conditional.size(1), batch.Conditional.size(2)));
        var cond = trainer.TeacherNoise(noisy, batch.Timesteps, batch.Conditional);
        var expected = uncond.Plus((cond - uncond).Times(5.0));
        var difference = Trainers.MaxAbsDifference(expected, trainer.Target(batch));
        output.WriteLine($"max |separate − batched| = {difference}");
        Assert.True(difference <= 1e-5, $"difference {difference}");
        Assert.True(Trainers.MaxAbsDifference(cond, uncond) > 1e-3, "the caption must change the teacher's prediction");
    }

    [Fact]
    public void A_bfloat16_teacher_gives_nearly_the_float32_loss_and_still_trains_a_float32_sharpener()
    {
        using var exact = new SharpenerTrainer(Trainers.Options(model, data));
        using var half = new SharpenerTrainer(Trainers.Options(model, data) with { TeacherPrecision = ScalarType.BFloat16, LearningRate = 1e-3 });
        Assert.Equal(ScalarType.BFloat16, half.Unet.ComputeType);
        using var exactBatch = exact.SampleBatch(0);
        using var batch = half.SampleBatch(0);
        var reference = exact.EvaluateLoss(exactBatch);
        var before = half.EvaluateLoss(batch);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loss float32 teacher {reference:R}, bfloat16 teacher {before:R}"));
        Assert.True(Math.Abs(before - reference) <= 0.05 * reference, $"bfloat16 loss {before} vs float32 {reference}");
        using (var scope = NewDisposeScope())
        {
            Assert.Equal(ScalarType.Float32, half.Target(batch).dtype);
        }
        half.TrainStep(batch);
        var after = half.EvaluateLoss(batch);
        Assert.True(after < before, $"loss {before} → {after}");
        Assert.All(half.SharpenerOps.Parameters.Cast<Tensor>(), p => Assert.Equal(ScalarType.Float32, p.dtype));
    }

    [Fact]
    public void The_inverse_snr_weight_scales_a_batchs_loss_by_the_square_root_of_the_capped_weight_at_its_timestep()
    {
        using var plain = new SharpenerTrainer(Trainers.Options(model, data));
        using var weighted = new SharpenerTrainer(Trainers.Options(model, data) with { InverseSnrWeightCap = 20 });
        using var plainBatch = plain.SampleBatch(0);
        using var batch = weighted.SampleBatch(0);
        var t = (int)batch.Timesteps.data<long>().ToArray()[0];
        Assert.Equal(t, (int)plainBatch.Timesteps.data<long>().ToArray()[0]);
        var abar = weighted.Schedule.AlphasCumprod[t];
        var expectedFactor = Math.Sqrt(Math.Clamp((1.0 - abar) / abar, 1.0, 20.0));
        Assert.True(expectedFactor > 1.5, $"the seed must draw a high-noise timestep for this test to mean anything (t = {t})");
        var reference = plain.EvaluateLoss(plainBatch);
        var loss = weighted.EvaluateLoss(batch);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"t = {t}: plain {reference:R}, weighted {loss:R}, factor {expectedFactor:R}"));
        Assert.Equal(reference * expectedFactor, loss, reference * 1e-5);
    }

    [Fact]
    public void Loss_weights_are_one_above_snr_one_and_grow_to_the_root_of_the_cap_at_high_noise()
    {
        var schedule = Dice.Trainer.Teacher.DiffusionNoiseSchedule.StableDiffusion15;
        var weights = SharpenerTrainer.LossWeights(schedule, 20);
        Assert.Equal(schedule.TrainTimesteps, weights.Length);
        Assert.Equal(1f, weights[0]);
        for (var t = 0; t < weights.Length; t++)
        {
            var abar = schedule.AlphasCumprod[t];
            var snr = abar / (1 - abar);
            Assert.Equal((float)Math.Sqrt(Math.Clamp(1 / snr, 1, 20)), weights[t], 1e-4f);
            if (t > 0)
            {
                Assert.True(weights[t] >= weights[t - 1], $"weights must not fall with the noise level (t = {t})");
            }
        }
        Assert.True(weights[^1] > 4f && weights[^1] <= MathF.Sqrt(20) + 1e-6f, $"weight at t = 999: {weights[^1]}");
        Assert.All(SharpenerTrainer.LossWeights(schedule, 1), w => Assert.Equal(1f, w));
        var error = Assert.Throws<ArgumentException>(() => new SharpenerTrainer(Trainers.Options(model, data) with { InverseSnrWeightCap = 0.5 }));
        Assert.Contains("plain L1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_float16_teacher_on_the_cpu_is_refused_with_the_fix()
    {
        var error = Assert.Throws<ArgumentException>(() => new SharpenerTrainer(Trainers.Options(model, data) with { TeacherPrecision = ScalarType.Float16 }));
        Assert.Contains("needs a CUDA device", error.Message, StringComparison.Ordinal);
        Assert.Contains("bfloat16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Token_zero_of_c_dice_is_c_token_zero_exactly()
    {
        using var trainer = new SharpenerTrainer(Trainers.Options(model, data));
        using var batch = trainer.SampleBatch(0);
        using var scope = NewDisposeScope();
        var dice = trainer.DiceEmbedding(batch.Conditional, batch.Unconditional);
        Assert.Equal(batch.Conditional.shape, dice.shape);
        Assert.True(dice.narrow(1, 0, 1).Equals(batch.Conditional.narrow(1, 0, 1)));
        Assert.True(Trainers.MaxAbsDifference(dice.narrow(1, 1, dice.size(1) - 1), batch.Conditional.narrow(1, 1, dice.size(1) - 1)) > 0);
    }

    [Fact]
    public void The_same_seed_gives_the_same_losses_and_a_resumed_run_continues_exactly()
    {
        using var temp = new TempDirectory();
        TrainingRunResult Run(long steps, string folder, bool resume)
        {
            using var trainer = new SharpenerTrainer(Trainers.Options(model, data, new TrainingRunOptions
            {
                Steps = steps,
                CheckpointFolder = folder,
                CheckpointInterval = 2,
                Resume = resume,
                LossLogPath = Path.Combine(folder, "loss.jsonl"),
            }));
            return trainer.Train();
        }
        var full = Run(5, temp.File("a"), resume: false).Losses.Select(l => l.Loss).ToList();
        var again = Run(5, temp.File("b"), resume: false).Losses.Select(l => l.Loss).ToList();
        output.WriteLine("losses: " + string.Join(", ", full.Select(l => l.ToString("R", CultureInfo.InvariantCulture))));
        Assert.Equal(full, again);
        var first = Run(3, temp.File("c"), resume: false);
        var rest = Run(5, temp.File("c"), resume: true);
        Assert.Equal(3, rest.StartStep);
        Assert.Equal(full.Take(3), first.Losses.Select(l => l.Loss));
        Assert.Equal(full.Skip(3), rest.Losses.Select(l => l.Loss));
        Assert.Equal(5, File.ReadAllLines(temp.File("c/loss.jsonl")).Length);
    }

    [Fact]
    public void Negative_prompts_replace_c_null_and_accumulation_trains()
    {
        using var trainer = new SharpenerTrainer(Trainers.Options(model, data) with
        {
            NegativePrompts = ["blurry", "a green square"],
            GradientAccumulation = 2,
            Run = new TrainingRunOptions { Steps = 2 },
        });
        using (var batch = trainer.SampleBatch(0))
        {
            Assert.True(Trainers.MaxAbsDifference(batch.Unconditional, trainer.NullEmbedding.expand(batch.Unconditional.shape)) > 1e-3);
        }
        var result = trainer.Train();
        Assert.Equal(2, result.Losses.Count);
        Assert.All(result.Losses, l => Assert.True(double.IsFinite(l.Loss)));
        // 4 steps × 2 micro-batches × 4 samples = one epoch: every one of the 32 samples once.
        var epoch = Enumerable.Range(0, 4).SelectMany(s => trainer.BatchIndices(s, 0).Concat(trainer.BatchIndices(s, 1))).ToList();
        Assert.Equal(Enumerable.Range(0, 32), epoch.Order());
    }

    [Fact]
    public void Train_export_then_generate_in_dice_mode()
    {
        using var temp = new TempDirectory();
        var sharpener = temp.File("sharpener");
        using (var trainer = new SharpenerTrainer(Trainers.Options(model, data, new TrainingRunOptions { Steps = 2 })))
        {
            var result = trainer.Train();
            trainer.SaveSharpener(sharpener, result.FinalStep);
        }
        Assert.Equal(["config.json", "sharpener.safetensors"], Directory.EnumerateFiles(sharpener).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var config = SharpenerConfig.Load(sharpener);
        Assert.Equal(new SharpenerConfig(16, 32, 4), config);
        var json = File.ReadAllText(Path.Combine(sharpener, "config.json"));
        Assert.Contains("\"guidance_scale\": 5", json, StringComparison.Ordinal);
        Assert.Contains("\"train_steps\": 2", json, StringComparison.Ordinal);

        var onnx = temp.File("model");
        TinyOnnxModel.CopyDirectory(model.Plain, onnx);
        SharpenerExporter.Export(sharpener, onnx, OnnxTextEncoding.LastHiddenState);
        Assert.True(File.Exists(Path.Combine(onnx, "text_encoder_dice", "model.onnx")));
        var generate = DiceProcess.Run(["generate", "a red circle", "--model", onnx, "--alpha", "1", "--steps", "2", "--height", "32", "--width", "32",
            "--out", temp.File("circle.png")]);
        Assert.True(generate.ExitCode == 0, generate.Stderr);
        Assert.Contains("dice: 1 image(s), 2 UNet calls", generate.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(temp.File("circle.png")));
    }
}
