using System.Globalization;
using Dice.Data;
using Dice.Models;
using Dice.Models.Classifier;
using Dice.Models.Weights;
using Dice.Trainer;
using Dice.Trainer.Classifier;
using static TorchSharp.torch;

namespace Dice.Trainer.Tests.Classifier;

public sealed class AttributeClassifierTrainerTests(ShortTrainingRun run) : IClassFixture<ShortTrainingRun>
{
    [Fact]
    public void Training_lowers_the_loss_and_reports_every_step()
    {
        Assert.Equal(ShortTrainingRun.Steps, run.Losses.Count);
        Assert.Equal(Enumerable.Range(0, ShortTrainingRun.Steps), run.Reported.Select(r => r.Step));
        Assert.Equal(run.Losses, run.Reported.Select(r => r.Loss));
        var first = run.Losses.Take(10).Average();
        var last = run.Losses.TakeLast(20).Average();
        Assert.True(last < first * 0.5, Message($"mean loss of the first 10 steps {first:F3}, of the last 20 {last:F3}"));
    }

    [Theory]
    // Chance: the majority class of count is 60 %, colours are 1 in 8 (object colours 1 in 7 given the background),
    // object2.color's majority class ("none") 60 %, positions 1 in 5. Measured after these 150 steps (2 cores):
    // count 1.000, background 1.000, object1.color 0.970, object2.color 0.987, object1.position 1.000 (on 1000 images).
    [InlineData("count", 0.9)]
    [InlineData("background", 0.9)]
    [InlineData("object1.color", 0.7)]
    [InlineData("object2.color", 0.8)]
    [InlineData("object1.position", 0.8)]
    public void Short_training_beats_chance_on_held_out_images(string head, double threshold)
    {
        var accuracy = run.HeldOut[head];
        Assert.True(accuracy >= threshold,
            Message($"{head}: held-out accuracy {accuracy:F3} after {ShortTrainingRun.Steps} steps, wanted at least {threshold:F2} ({run.HeldOut})"));
    }

    [Fact]
    public void The_same_seed_gives_the_same_losses()
    {
        var options = new AttributeClassifierTrainingOptions { Steps = 4, BatchSize = 8, Seed = 9 };
        IReadOnlyList<double> first, second, other;
        using (var trainer = new AttributeClassifierTrainer(options))
        {
            first = trainer.Train();
        }
        using (var trainer = new AttributeClassifierTrainer(options))
        {
            second = trainer.Train();
        }
        using (var trainer = new AttributeClassifierTrainer(options with { Seed = 10 }))
        {
            other = trainer.Train();
        }
        Assert.Equal(first, second);
        Assert.NotEqual(first[0], other[0]);
        Assert.True(first.All(double.IsFinite), string.Join(", ", first.Select(l => l.ToString(CultureInfo.InvariantCulture))));
    }

    [Fact]
    public void Saved_weights_load_into_a_fresh_model_with_the_same_predictions()
    {
        using var directory = new TempDirectory();
        var path = directory.File("classifier.safetensors");
        run.Trainer.Save(path);
        var config = run.Trainer.Config;
        var images = Enumerable.Range(0, 4).Select(i => DiceMiniSplits.HeldOut().Generate(i).Image).ToArray();
        var input = new float[4 * 3 * 32 * 32];
        AttributeClassifierTrainer.ToModelInput(images, input);

        using var scope = NewDisposeScope();
        using var ops = new TorchOps(seed: 99);
        var model = new AttributeClassifier<Tensor>(ops, config);
        using (var weights = WeightSource.Open(path, o => _ = new AttributeClassifier<ParameterInventory.Declared>(o, config)))
        {
            Assert.Equal(config.ToJson(), weights.Checkpoint.Metadata["dice.config"]);
            ops.Load(weights);
        }
        float[] loaded, trained;
        using (no_grad())
        {
            loaded = model.Forward(tensor(input, [4, 3, 32, 32])).data<float>().ToArray();
            trained = run.Trainer.Model.Forward(tensor(input, [4, 3, 32, 32])).data<float>().ToArray();
        }
        Assert.Equal(trained, loaded);
    }

    [Fact]
    public void Model_input_is_planar_rgb_in_minus_one_to_one()
    {
        var image = new Dice.Core.Images.RgbImage(2, 1, [0, 255, 51, 255, 0, 102]);
        var input = new float[6];
        AttributeClassifierTrainer.ToModelInput([image], input);
        Assert.Equal([-1f, 1f, 1f, -1f, 51 / 127.5f - 1, 102 / 127.5f - 1], input);
    }

    [Fact]
    public void Invalid_options_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new AttributeClassifierTrainingOptions { BatchSize = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new AttributeClassifierTrainingOptions { LearningRate = double.NaN }.Validate());
        var options = new AttributeClassifierTrainingOptions { Steps = 100, WarmupSteps = 10, LearningRate = 1e-3, FinalLearningRateFraction = 0.1 };
        Assert.Equal(1e-4, options.LearningRateAt(0), 12);
        Assert.Equal(1e-3, options.LearningRateAt(10), 12);
        Assert.Equal(1e-4, options.LearningRateAt(100), 12);
    }

    private static string Message(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
