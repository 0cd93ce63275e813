using Dice.Runtime.Pipelines;
using System.Globalization;
using Dice.Exporter;
using Dice.Core.Images;
using Dice.Trainer.Sharpener;
using Dice.Trainer.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Dice.Trainer.Tests.Sharpener;

[Collection(TinyOnnxModelCollection.Name)]
public sealed class SharpenerValidationTests(TinyOnnxModel model, DatasetFixture data, ITestOutputHelper output) : IClassFixture<DatasetFixture>
{
    private static readonly string[] Prompts = ["a red circle on a blue background", "two green squares"];

    private SharpenerTrainingOptions Options(TrainingRunOptions? run = null, int validationSteps = 4) =>
        Trainers.Options(model, data, run) with { ValidationPrompts = Prompts, ValidationSteps = validationSteps, ValidationSeed = 11 };

    [Fact]
    public void Each_checkpoint_gets_a_grid_of_three_columns_by_the_prompts_that_outlives_pruning()
    {
        using var temp = new TempDirectory();
        var folder = temp.File("checkpoints");
        using var trainer = new SharpenerTrainer(Options(new TrainingRunOptions
        {
            Steps = 3,
            CheckpointFolder = folder,
            CheckpointInterval = 2,
            KeepCheckpoints = 1,
        }));
        trainer.Train();

        var validation = Path.Combine(folder, SharpenerValidation.FolderName);
        Assert.Equal(["step-000000002.png", "step-000000003.png"],
            Directory.EnumerateFileSystemEntries(validation).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal([3L], new TrainingCheckpoint(folder).List().Select(c => c.Step));
        Assert.Equal(Path.Combine(validation, "step-000000003.png"), trainer.ValidationGridPath(3));
        var (width, height) = ValidationGridLayout.Size(Prompts, 64);
        // 64-pixel images enlarged 4 times: a prompt panel and three columns of 256 pixels.
        Assert.Equal((4 * 256) + (5 * SharpenerValidation.Padding), width);
        foreach (var step in new[] { 2, 3 })
        {
            var png = PngFile.Read(trainer.ValidationGridPath(step)!);
            Assert.Equal((width, height), (png.Width, png.Height));
            Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"\"step\":{step}"), png.GetText("Comment"), StringComparison.Ordinal);
        }

        // The last grid is the sharpener of the last step, sampled again now: validation is deterministic.
        var last = PngFile.Read(trainer.ValidationGridPath(3)!).ToRgbImage();
        var again = trainer.Validation!.Compose(trainer.Validation.Sample());
        Assert.True(last.PixelsEqual(again));
    }

    [Fact]
    public void The_cfg_column_differs_from_the_unguided_one_and_a_zeroed_sharpener_gives_the_unguided_column()
    {
        using var trainer = new SharpenerTrainer(Options());
        var images = trainer.Validation!.Sample();
        Assert.All(images.Columns, column => Assert.Equal(Prompts.Length, column.Count));
        Assert.All(images.Columns.SelectMany(c => c), image => Assert.Equal((64, 64), (image.Width, image.Height)));
        for (var row = 0; row < Prompts.Length; row++)
        {
            output.WriteLine($"row {row}: max |cfg − unguided| = {MaxPixelDifference(images.Cfg[row], images.Unguided[row])}, " +
                $"max |dice − unguided| = {MaxPixelDifference(images.Dice[row], images.Unguided[row])}");
            Assert.False(images.Cfg[row].PixelsEqual(images.Unguided[row]), $"row {row}: CFG equals unguided");
        }
        // Rows differ only by their prompt: they start from the same noise.
        Assert.False(images.Cfg[0].PixelsEqual(images.Cfg[1]));

        // r = fc2(…) = 0 makes c_dice = c exactly, so DICE sampling is unguided sampling.
        using (no_grad())
        {
            foreach (var (name, parameter) in trainer.SharpenerOps.NamedParameters.Where(p => p.Name.StartsWith("fc2.", StringComparison.Ordinal)))
            {
                using var zeros = zeros_like(parameter);
                parameter.copy_(zeros);
            }
        }
        var zeroed = trainer.Validation.Sample();
        for (var row = 0; row < Prompts.Length; row++)
        {
            Assert.True(zeroed.Dice[row].PixelsEqual(zeroed.Unguided[row]), $"row {row}: DICE with r = 0 differs from unguided");
            Assert.True(zeroed.Unguided[row].PixelsEqual(images.Unguided[row]));
            Assert.True(zeroed.Cfg[row].PixelsEqual(images.Cfg[row]));
        }
    }

    [Fact]
    public void Validation_changes_neither_the_losses_nor_the_sharpener_and_zero_steps_write_none()
    {
        using var temp = new TempDirectory();
        (IReadOnlyList<double> Losses, Dictionary<string, float[]> Weights) Run(string folder, int validationSteps)
        {
            using var trainer = new SharpenerTrainer(Options(new TrainingRunOptions
            {
                Steps = 3,
                CheckpointFolder = folder,
                CheckpointInterval = 1,
            }, validationSteps));
            Assert.Equal(validationSteps == 0, trainer.Validation is null);
            var losses = trainer.Train().Losses.Select(l => l.Loss).ToList();
            return (losses, trainer.SharpenerOps.StateDict().ToDictionary(p => p.Key, p => p.Value.data<float>().ToArray()));
        }
        var with = Run(temp.File("with"), 3);
        var without = Run(temp.File("without"), 0);
        output.WriteLine("losses: " + string.Join(", ", with.Losses.Select(l => l.ToString("R", CultureInfo.InvariantCulture))));
        Assert.Equal(without.Losses, with.Losses);
        Assert.Equal(without.Weights.Keys.Order(StringComparer.Ordinal), with.Weights.Keys.Order(StringComparer.Ordinal));
        Assert.All(with.Weights, p => Assert.Equal(without.Weights[p.Key], p.Value));
        Assert.Equal(3, Directory.GetFiles(temp.File("with/validation")).Length);
        Assert.False(Directory.Exists(temp.File("without/validation")));
    }

    [Fact]
    public void Without_prompts_the_first_four_distinct_captions_of_the_data_are_used()
    {
        var defaults = new SharpenerTrainingOptions { TeacherFolder = model.Weights, Data = SharpenerData.Open(data.Folder) };
        Assert.Null(defaults.ValidationPrompts);
        Assert.Equal(20, defaults.ValidationSteps);
        using var trainer = new SharpenerTrainer(Trainers.Options(model, data) with
        {
            ValidationPrompts = defaults.ValidationPrompts,
            ValidationSteps = defaults.ValidationSteps,
        });
        var captions = trainer.Options.Data.Items.Select(i => i.Caption).Distinct(StringComparer.Ordinal).Take(4).ToList();
        Assert.Equal(4, captions.Count);
        Assert.Equal(captions, trainer.Validation!.Prompts);
        Assert.Equal(20, trainer.Validation.Steps);
        Assert.Equal(captions, SharpenerValidation.DefaultPrompts(trainer.Options.Data));
    }

    [Fact]
    public void Each_cell_is_what_dice_generate_gives_for_its_prompt_and_seed_on_the_export()
    {
        using var temp = new TempDirectory();
        var prompt = Prompts[0];
        using var trainer = new SharpenerTrainer(Trainers.Options(model, data, new TrainingRunOptions { Steps = 1 }) with
        {
            ValidationPrompts = [prompt],
            ValidationSteps = 6,
            ValidationSeed = 11,
        });
        var result = trainer.Train();
        var images = trainer.Validation!.Sample();
        var sharpener = temp.File("sharpener");
        trainer.SaveSharpener(sharpener, result.FinalStep);
        var onnx = temp.File("model");
        TinyOnnxModel.CopyDirectory(model.Plain, onnx);
        SharpenerExporter.Export(sharpener, onnx, OnnxTextEncoding.LastHiddenState);

        foreach (var (mode, image) in new[] { ("unguided", images.Unguided[0]), ("cfg", images.Cfg[0]), ("dice", images.Dice[0]) })
        {
            var file = temp.File(mode + ".png");
            var r = DiceProcess.Run(["generate", prompt, "--model", onnx, "--mode", mode, "--guidance", "5", "--steps", "6", "--seed", "11",
                "--height", "64", "--width", "64", "--out", file]);
            Assert.True(r.ExitCode == 0, r.Stderr);
            var generated = PngFile.Read(file).ToRgbImage();
            var difference = MaxPixelDifference(image, generated);
            output.WriteLine($"{mode}: max |libtorch − onnx| = {difference} / 255");
            Assert.True(difference <= 1, $"{mode}: the validation cell and dice generate differ by up to {difference}/255");
        }
        Assert.False(images.Cfg[0].PixelsEqual(images.Unguided[0]));
    }

    [Fact]
    public void Bad_validation_settings_are_refused()
    {
        Assert.Throws<ArgumentException>(() => (Trainers.Options(model, data) with { ValidationSteps = -1 }).Validate());
        Assert.Throws<ArgumentException>(() => (Trainers.Options(model, data) with { ValidationPrompts = ["ok", " "] }).Validate());
        using var temp = new TempDirectory();
        var missing = temp.File("prompts.txt");
        var e = Assert.Throws<FileNotFoundException>(() => SharpenerData.ReadValidationPrompts(missing));
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
        File.WriteAllText(missing, "\n  \n");
        Assert.Throws<InvalidDataException>(() => SharpenerData.ReadValidationPrompts(missing));
        File.WriteAllText(missing, "a red circle\n\n  two green squares  \n");
        Assert.Equal(["a red circle", "two green squares"], SharpenerData.ReadValidationPrompts(missing));
    }

    private static int MaxPixelDifference(RgbImage a, RgbImage b)
    {
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        var max = 0;
        for (var i = 0; i < a.Pixels.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a.Pixels[i] - b.Pixels[i]));
        }
        return max;
    }
}
