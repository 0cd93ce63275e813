using Dice.Exporter;
using Dice.Models.Sharpener;
using Dice.Core.Images;
using Dice.Runtime.Pipelines;
using Dice.Trainer;
using static TorchSharp.torch;

namespace Dice.Runtime.Tests;

/// <summary>
/// <see cref="ModeComparison"/> on the tiny model with a real fused text_encoder_dice (a seeded sharpener exported by
/// <see cref="SharpenerExporter"/>), so the DICE column differs from the unguided one.
/// </summary>
[Collection(TinyOnnxModelCollection.Name)]
public sealed class ModeComparisonTests(TinyOnnxModel model) : IDisposable
{
    private readonly TempDirectory directory = new();

    private const int Steps = 3;

    private static GenerationRequest Request(params string[] prompts) => new()
    {
        Prompts = prompts,
        Mode = GenerationMode.Cfg,
        GuidanceScale = 5,
        Alpha = 1.5,
        Steps = Steps,
        Seed = 7,
        Height = 32,
        Width = 48,
    };

    private string FusedModel()
    {
        var sharpener = Directory.CreateDirectory(directory.File("sharpener")).FullName;
        var config = new SharpenerConfig(16, 8, 2);
        using (var ops = new TorchOps(seed: 3))
        {
            _ = new DiceSharpener<Tensor>(ops, config);
            ops.Save(Path.Combine(sharpener, SharpenerExporter.WeightsFile));
        }
        File.WriteAllText(Path.Combine(sharpener, SharpenerConfig.FileName), config.ToJson());
        var folder = directory.File("model");
        TinyOnnxModel.CopyDirectory(model.Plain, folder);
        SharpenerExporter.Export(sharpener, folder, OnnxTextEncoding.LastHiddenState);
        return folder;
    }

    [Fact]
    public void Columns_are_the_modes_with_their_unet_calls_and_each_panel_equals_a_plain_generate()
    {
        using var pipeline = StableDiffusionPipeline.Load(FusedModel());
        var request = Request("a red circle", "a blue square") with { ImagesPerPrompt = 2 };
        var comparison = ModeComparison.Run(pipeline, request);

        Assert.Equal([GenerationMode.Unguided, GenerationMode.Cfg, GenerationMode.Dice], comparison.Runs.Select(r => r.Mode));
        // Batched CFG: one call of batch 2N per step, i.e. as many calls as DICE but twice the evaluations.
        Assert.Equal((Steps, 4, 4 * Steps), (comparison.Unguided.UnetCalls, comparison.Unguided.UnetBatch, comparison.Unguided.UnetEvaluations));
        Assert.Equal((Steps, 8, 8 * Steps), (comparison.Cfg.UnetCalls, comparison.Cfg.UnetBatch, comparison.Cfg.UnetEvaluations));
        Assert.Equal((Steps, 4, 4 * Steps), (comparison.Dice.UnetCalls, comparison.Dice.UnetBatch, comparison.Dice.UnetEvaluations));
        Assert.Equal(1.0, comparison.UnetCallRatio);
        Assert.Equal(0.5, comparison.UnetEvaluationRatio);

        foreach (var run in comparison.Runs)
        {
            var plain = pipeline.Generate(request with { Mode = run.Mode });
            Assert.Equal(plain.Images.Count, run.Result.Images.Count);
            for (var i = 0; i < plain.Images.Count; i++)
            {
                Assert.Equal(PngEncoder.Encode(plain.Images[i]), PngEncoder.Encode(run.Result.Images[i]));
            }
        }
        Assert.NotEqual(PngEncoder.Encode(comparison.Unguided.Result.Images[0]), PngEncoder.Encode(comparison.Dice.Result.Images[0]));
        Assert.NotEqual(PngEncoder.Encode(comparison.Unguided.Result.Images[0]), PngEncoder.Encode(comparison.Cfg.Result.Images[0]));
    }

    // model.WithDice's text_encoder_dice is a copy of the plain encoder: it has no alpha input, so these use alpha 1.
    [Fact]
    public void Sequential_cfg_makes_twice_the_calls_of_batch_n()
    {
        using var pipeline = StableDiffusionPipeline.Load(model.WithDice);
        var comparison = ModeComparison.Run(pipeline, Request("a red circle") with { CfgSequential = true, Alpha = 1 }, warmUp: false);
        Assert.Equal((2 * Steps, 1, 2 * Steps), (comparison.Cfg.UnetCalls, comparison.Cfg.UnetBatch, comparison.Cfg.UnetEvaluations));
        Assert.Equal(0.5, comparison.UnetCallRatio);
        Assert.Equal(0.5, comparison.UnetEvaluationRatio);
        Assert.StartsWith($"CFG w=5: {2 * Steps} UNet calls x batch 1, ", comparison.Cfg.Caption, StringComparison.Ordinal);
        Assert.StartsWith($"DICE a=1: {Steps} UNet calls x batch 1, ", comparison.Dice.Caption, StringComparison.Ordinal);
        Assert.StartsWith($"unguided: {Steps} UNet calls x batch 1, ", comparison.Unguided.Caption, StringComparison.Ordinal);
        Assert.EndsWith(" s", comparison.Dice.Caption, StringComparison.Ordinal);
        var seconds = comparison.Cfg.WallTime.TotalSeconds.ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"CFG w=5: {seconds} s\n{2 * Steps} UNet calls\nbatch 1", comparison.Cfg.Heading);
    }

    [Fact]
    public void The_grid_is_three_headed_columns_of_enlarged_panels_one_row_per_image()
    {
        using var pipeline = StableDiffusionPipeline.Load(model.WithDice);
        var comparison = ModeComparison.Run(pipeline, Request("a red circle", "a blue square", "a green star") with { Alpha = 1 });
        // 48 × 32 images enlarged ceil(256 / 48) = 6 times: 288 × 192 panels. Headings are three lines of the
        // 10-pixel font at scale 2 (20 pixels a line) above the first row.
        const int scale = 6, panelWidth = 48 * scale, panelHeight = 32 * scale, rows = 3, columns = 3, padding = ModeComparison.Padding;
        const int band = (3 * 20) + padding;
        Assert.Equal((columns * panelWidth) + ((columns + 1) * padding), comparison.Grid.Width);
        Assert.Equal(band + (rows * panelHeight) + ((rows + 1) * padding), comparison.Grid.Height);

        // The second row's CFG panel sits in the middle column, below the first row; each image pixel is a 6 × 6 square.
        var cfg = comparison.Cfg.Result.Images[1];
        var x = padding + panelWidth + padding;
        var y = padding + band + panelHeight + padding;
        for (var row = 0; row < panelHeight; row += 5)
        {
            for (var column = 0; column < panelWidth; column += 5)
            {
                Assert.Equal(cfg.GetPixel(column / scale, row / scale), comparison.Grid.GetPixel(x + column, y + row));
            }
        }
        // Text (black on white) only in the heading band.
        var inkInBand = 0;
        for (var row = 0; row < comparison.Grid.Height; row++)
        {
            for (var column = 0; column < comparison.Grid.Width; column++)
            {
                if (comparison.Grid.GetPixel(column, row) == RgbColor.Black)
                {
                    Assert.True(row < padding + band, $"black pixel at ({column}, {row}) below the heading band");
                    inkInBand++;
                }
            }
        }
        Assert.True(inkInBand > 0, "no heading drawn");
        Assert.Equal(PngEncoder.Encode(comparison.Grid), PngEncoder.Encode(ModeComparison.Compose(comparison.Runs)));
    }

    [Fact]
    public void A_model_without_a_dice_encoder_is_refused_naming_dice_export()
    {
        using var pipeline = StableDiffusionPipeline.Load(model.Plain);
        var e = Assert.Throws<ArgumentException>(() => ModeComparison.Run(pipeline, Request("a cat")));
        Assert.Contains("`dice export`", e.Message, StringComparison.Ordinal);
        Assert.Contains("text_encoder_dice", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => directory.Dispose();
}
