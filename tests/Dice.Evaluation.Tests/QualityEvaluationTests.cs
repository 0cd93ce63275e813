using System.Text.Json;
using Dice.Evaluation.Classification;
using Dice.Runtime.Pipelines;
using Dice.Tests.Shared;

namespace Dice.Evaluation.Tests;

[Collection(SmokeModelCollection.Name)]
public sealed class QualityEvaluationTests(SmokeModel model)
{
    private static readonly QualityEvaluationOptions Fast = new() { Steps = 3, Batch = 4, Scales = [1.0, 2.0] };

    private static EvaluationReport Evaluate(string folder, int count = 6, IReadOnlyList<double>? alphas = null)
    {
        using var pipeline = StableDiffusionPipeline.Load(folder);
        using var classifier = new OnnxAttributeClassifier(Path.Combine(folder, "classifier", "model.onnx"));
        return QualityEvaluation.Run(pipeline, classifier, PromptSet.DiceMiniHeldOut(count), Fast, alphas);
    }

    [Fact]
    public void Rows_are_unguided_cfg_best_scaling_and_dice_with_their_nfe()
    {
        var report = Evaluate(model.WithIdentityDice);
        Assert.Equal([GuidanceMethod.Unguided, GuidanceMethod.Cfg, GuidanceMethod.NaiveScaling, GuidanceMethod.Dice],
            report.Rows.Select(r => r.Method.Kind));
        Assert.Equal([3, 6, 3, 3], report.Rows.Select(r => r.Nfe));
        Assert.Equal(0, report.Row(GuidanceMethod.Cfg).CfgFidelity);
        Assert.True(report.Row(GuidanceMethod.Unguided).CfgFidelity > 0, "unguided images should differ from CFG's");
        Assert.Equal(2, report.ScalingGrid.Count);
        foreach (var row in report.Rows)
        {
            Assert.InRange(row.Accuracy!.Mean, 0, 1);
            Assert.True(row.FrechetDistance >= 0);
            Assert.True(row.SecondsPerImage > 0);
        }
    }

    [Fact]
    public void Dice_through_an_identity_encoder_scores_exactly_like_unguided_and_so_does_scale_one()
    {
        var report = Evaluate(model.WithIdentityDice);
        var unguided = report.Row(GuidanceMethod.Unguided);
        var dice = report.Row(GuidanceMethod.Dice);
        var scaleOne = report.ScalingGrid.Single(g => g.Method.Strength == 1.0);
        foreach (var row in new[] { dice, scaleOne })
        {
            Assert.Equal(unguided.CfgFidelity, row.CfgFidelity);
            Assert.Equal(unguided.Accuracy!.PerHead, row.Accuracy!.PerHead);
            Assert.Equal(unguided.FrechetDistance, row.FrechetDistance);
        }
        var scaleTwo = report.ScalingGrid.Single(g => g.Method.Strength == 2.0);
        Assert.NotEqual(unguided.CfgFidelity, scaleTwo.CfgFidelity);
    }

    [Fact]
    public void Same_settings_give_the_same_numbers()
    {
        var first = Evaluate(model.Folder, count: 4);
        var second = Evaluate(model.Folder, count: 4);
        Assert.Equal(first.Rows.Select(r => r.Accuracy!.Mean), second.Rows.Select(r => r.Accuracy!.Mean));
        Assert.Equal(first.Rows.Select(r => r.CfgFidelity), second.Rows.Select(r => r.CfgFidelity));
    }

    [Fact]
    public void A_model_without_dice_has_no_dice_row_and_refuses_an_alpha_sweep()
    {
        var report = Evaluate(model.Folder, count: 4);
        Assert.DoesNotContain(report.Rows, r => r.Method.Kind == GuidanceMethod.Dice);
        var error = Assert.Throws<ArgumentException>(() => Evaluate(model.Folder, count: 4, alphas: [0.5]));
        Assert.Contains("text_encoder_dice", error.Message);
    }

    [Fact]
    public void Alpha_zero_of_a_fused_encoder_matches_unguided_and_alpha_one_does_not()
    {
        var report = Evaluate(model.WithDice, count: 4, alphas: [0, 1]);
        Assert.Equal(2, report.AlphaSweep.Count);
        var unguided = report.Row(GuidanceMethod.Unguided);
        Assert.Equal(unguided.CfgFidelity, report.AlphaSweep[0].CfgFidelity);
        Assert.NotEqual(unguided.CfgFidelity, report.AlphaSweep[1].CfgFidelity);
        Assert.Equal(report.Row(GuidanceMethod.Dice).CfgFidelity, report.AlphaSweep[1].CfgFidelity);
        Assert.True(report.Row(GuidanceMethod.Dice).TrainableParameters > 0, "the sharpener's parameter count comes from its ONNX metadata");
    }

    [Fact]
    public void The_report_is_written_as_markdown_and_json()
    {
        var report = Evaluate(model.WithIdentityDice, count: 4);
        using var directory = new TempDirectory();
        var (markdown, json) = EvaluationReportWriter.Write(directory.Path, report);
        var text = File.ReadAllText(markdown);
        Assert.Contains("| unguided | 3 |", text);
        Assert.Contains("| CFG w=5 | 6 |", text);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(4, doc.RootElement.GetProperty("rows").GetArrayLength());
        Assert.Equal(4, doc.RootElement.GetProperty("prompt_count").GetInt32());
        var first = doc.RootElement.GetProperty("rows")[0];
        Assert.Equal(report.Rows[0].Accuracy!.Mean, first.GetProperty("attribute_accuracy").GetDouble());
        Assert.Equal(10, first.GetProperty("per_head_accuracy").EnumerateObject().Count());

        // The judge's own accuracy on the real images of the same scenes, per head, in both files.
        using var classifier = new OnnxAttributeClassifier(Path.Combine(model.WithIdentityDice, "classifier", "model.onnx"));
        var expected = Dice.Evaluation.Metrics.AttributeAccuracy.Score(
            classifier.Classify(PromptSet.DiceMiniHeldOut(4).RenderRealImages(classifier.ImageSize)!).Labels, PromptSet.DiceMiniHeldOut(4).Scenes!);
        Assert.NotNull(report.RealImageAccuracy);
        Assert.Equal(expected.PerHead, report.RealImageAccuracy!.PerHead);
        var real = doc.RootElement.GetProperty("real_image_accuracy");
        Assert.Equal(expected.Mean, real.GetProperty("mean").GetDouble());
        Assert.Equal(10, real.GetProperty("per_head").EnumerateObject().Count());
        Assert.Contains("| real images (the classifier itself) | " + string.Join(" | ",
            expected.PerHead.Select(a => a.ToString("P1", System.Globalization.CultureInfo.InvariantCulture))) + " |", text);
        Assert.Contains("| object1.color |", text);
    }

    [Fact]
    public void Embedding_similarity_of_an_identity_encoder_is_one_everywhere()
    {
        using var pipeline = StableDiffusionPipeline.Load(model.WithIdentityDice);
        var prompts = PromptSet.DiceMiniHeldOut(5).Prompts;
        var similarity = EmbeddingSimilarity.Measure(pipeline, prompts, batch: 2);
        Assert.Equal(1.0, similarity.Semantic, 6);
        Assert.Equal(1.0, similarity.Padding, 6);
        Assert.Equal(5L * (pipeline.Tokenizer.MaxLength - 1), similarity.SemanticTokens + similarity.PaddingTokens);
        var expectedSemantic = prompts.Sum(p => Array.IndexOf(pipeline.Tokenizer.Tokenize(p), pipeline.Tokenizer.EosId, 1));
        Assert.Equal(expectedSemantic, similarity.SemanticTokens);
    }

    [Fact]
    public void The_classifier_reads_real_held_out_images_of_its_own_size_and_refuses_other_sizes()
    {
        using var classifier = new OnnxAttributeClassifier(Path.Combine(model.Folder, "classifier", "model.onnx"));
        var real = PromptSet.DiceMiniHeldOut(3).RenderRealImages(classifier.ImageSize)!;
        var predictions = classifier.Classify(real);
        Assert.Equal(3, predictions.Labels.Count);
        Assert.All(predictions.Labels, l => Assert.Equal(10, l.Length));
        Assert.All(predictions.Features, f => Assert.True(f.Length > 0));
        var wrong = PromptSet.DiceMiniHeldOut(1).RenderRealImages(classifier.ImageSize * 2)!;
        var error = Assert.Throws<ArgumentException>(() => classifier.Classify(wrong));
        Assert.Contains("classifier takes", error.Message);
    }
}
