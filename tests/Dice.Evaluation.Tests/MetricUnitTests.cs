using Dice.Data;
using Dice.Evaluation.Metrics;
using Dice.Core.Images;

namespace Dice.Evaluation.Tests;

public sealed class MetricUnitTests
{
    [Fact]
    public void Attribute_accuracy_counts_correct_heads_and_exact_scenes()
    {
        var scenes = DiceMiniSplits.HeldOutCaptions(4).Select(s => s.Scene).ToList();
        var predicted = scenes.Select(AttributeSchema.Encode).ToList();
        var perfect = AttributeAccuracy.Score(predicted, scenes);
        Assert.Equal(1.0, perfect.Mean);
        Assert.Equal(1.0, perfect.ExactScenes);

        // One wrong background in one of four images: background head 3/4, mean 1 − 1/40, exact 3/4.
        predicted[2] = (int[])predicted[2].Clone();
        predicted[2][AttributeSchema.BackgroundHead] = (predicted[2][AttributeSchema.BackgroundHead] + 1) % 8;
        var one = AttributeAccuracy.Score(predicted, scenes);
        Assert.Equal(0.75, one.PerHead[AttributeSchema.BackgroundHead]);
        Assert.Equal(1 - (1.0 / 40), one.Mean, 12);
        Assert.Equal(0.75, one.ExactScenes);
    }

    [Fact]
    public void Attribute_accuracy_refuses_mismatched_counts()
    {
        var scenes = DiceMiniSplits.HeldOutCaptions(2).Select(s => s.Scene).ToList();
        Assert.Throws<ArgumentException>(() => AttributeAccuracy.Score([AttributeSchema.Encode(scenes[0])], scenes));
    }

    [Fact]
    public void Pixel_rmse_is_zero_for_equal_images_and_one_for_black_against_white()
    {
        var black = new RgbImage(4, 3);
        var white = new RgbImage(4, 3);
        white.Fill(new RgbColor(255, 255, 255));
        Assert.Equal(0, PixelRmse.Between(black, black.Clone()));
        Assert.Equal(1, PixelRmse.Between(black, white), 12);
        var half = new RgbImage(4, 3);
        half.FillRectangle(0, 0, 2, 3, new RgbColor(255, 255, 255));
        Assert.Equal(Math.Sqrt(0.5), PixelRmse.Between(black, half), 12);
        Assert.Throws<ArgumentException>(() => PixelRmse.Between(black, new RgbImage(3, 3)));
    }

    [Fact]
    public void Cosine_similarity_of_parallel_opposite_and_orthogonal_vectors()
    {
        Assert.Equal(1, EmbeddingSimilarity.Cosine([1, 2, 3], [2, 4, 6]), 12);
        Assert.Equal(-1, EmbeddingSimilarity.Cosine([1, 2, 3], [-1, -2, -3]), 12);
        Assert.Equal(0, EmbeddingSimilarity.Cosine([1, 0], [0, 5]), 12);
    }

    [Fact]
    public void Methods_map_to_runtime_requests_and_nfe()
    {
        var cfg = EvaluationMethod.Cfg(5).ToRequest(["a"], 20, "dpmpp-2m", 3);
        Assert.Equal(Runtime.Pipelines.GenerationMode.Cfg, cfg.Mode);
        Assert.Equal(5, cfg.GuidanceScale);
        Assert.Equal(40, EvaluationMethod.Cfg(5).Nfe(20));
        var scaled = EvaluationMethod.NaiveScaling(1.5).ToRequest(["a"], 20, "dpmpp-2m", 3);
        Assert.Equal(Runtime.Pipelines.GenerationMode.Unguided, scaled.Mode);
        Assert.Equal(1.5, scaled.EmbeddingScale);
        var dice = EvaluationMethod.Dice(0.5).ToRequest(["a"], 20, "dpmpp-2m", 3);
        Assert.Equal(Runtime.Pipelines.GenerationMode.Dice, dice.Mode);
        Assert.Equal(0.5, dice.Alpha);
        Assert.Equal(20, EvaluationMethod.Dice(0.5).Nfe(20));
        Assert.Equal("naive scaling s=1.5", EvaluationMethod.NaiveScaling(1.5).Name);
    }

    [Fact]
    public void Gain_recovered_and_best_scaling_follow_accuracy()
    {
        static MethodScore Row(EvaluationMethod m, double accuracy, double fidelity) =>
            new(m, 20, 0, new AttributeAccuracy(accuracy, [accuracy], accuracy), null, fidelity, 0.1);
        var grid = new[] { Row(EvaluationMethod.NaiveScaling(1.5), 0.55, 0.2), Row(EvaluationMethod.NaiveScaling(2), 0.6, 0.3) };
        Assert.Equal(2, QualityEvaluation.BestScaling(grid).Method.Strength);
        var report = new EvaluationReport
        {
            Model = "m",
            PromptSource = "p",
            PromptCount = 1,
            Options = new QualityEvaluationOptions(),
            Rows = [Row(EvaluationMethod.Unguided, 0.5, 0.3), Row(EvaluationMethod.Cfg(5), 0.9, 0), grid[1], Row(EvaluationMethod.Dice(1), 0.82, 0.1)],
            ScalingGrid = grid,
        };
        Assert.Equal(0.8, report.GainRecovered(GuidanceMethod.Dice)!.Value, 12);
        Assert.Equal(0.25, report.GainRecovered(GuidanceMethod.NaiveScaling)!.Value, 12);
    }
}
