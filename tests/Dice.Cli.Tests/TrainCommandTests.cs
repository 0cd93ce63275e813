using Dice.Core.Images;
using Dice.Trainer.Sharpener;

namespace Dice.Cli.Tests;

[Collection(TinyOnnxModelCollection.Name)]
public sealed class TrainCommandTests(TinyOnnxModel model, DatasetFixture data) : IClassFixture<DatasetFixture>
{
    private static string[] Args(string teacher, string dataPath, string output) =>
        ["train", "--teacher", teacher, "--data", dataPath, "--out", output, "--steps", "2", "--batch", "2", "--inner-dim", "32", "--heads", "4",
            "--image-size", "64", "--checkpoint-every", "1"];

    [Fact]
    public void A_short_run_writes_the_sharpener()
    {
        using var temp = new TempDirectory();
        var output = temp.File("sharpener");
        var r = DiceProcess.Run([.. Args(model.Weights, data.Folder, output), "--validation-steps", "2"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("final loss", r.Stdout, StringComparison.Ordinal);
        Assert.Contains(Path.GetFullPath(output), r.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "sharpener.safetensors")));
        Assert.True(File.Exists(Path.Combine(output, "config.json")));
        Assert.Contains("\"inverse_snr_weight_cap\": 1", File.ReadAllText(Path.Combine(output, "config.json")), StringComparison.Ordinal);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(output + ".checkpoints", "loss.jsonl")).Length);

        // A validation grid with each checkpoint, on the first 4 captions of the data by default.
        Assert.Contains("validation grids", r.Stdout, StringComparison.Ordinal);
        var validation = Path.Combine(output + ".checkpoints", SharpenerValidation.FolderName);
        Assert.Equal(["step-000000001.png", "step-000000002.png"],
            Directory.EnumerateFileSystemEntries(validation).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var prompts = SharpenerValidation.DefaultPrompts(SharpenerData.Open(data.Folder));
        Assert.Equal(4, prompts.Count);
        var grid = PngFile.Read(Path.Combine(validation, "step-000000002.png"));
        Assert.Equal(ValidationGridLayout.Size(prompts, 64), (grid.Width, grid.Height));
        Assert.Contains("\"steps\":2,", grid.GetText("Comment"), StringComparison.Ordinal);

        var again = DiceProcess.Run([.. Args(model.Weights, data.Folder, output), "--validation-steps", "2", "--resume"]);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("already trained to step 2", again.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_prompts_set_the_rows_and_zero_validation_steps_write_no_grid()
    {
        using var temp = new TempDirectory();
        var prompts = temp.File("prompts.txt");
        File.WriteAllText(prompts, "a red circle\n\ntwo green squares on yellow\n");
        var output = temp.File("sharpener");
        var r = DiceProcess.Run([.. Args(model.Weights, data.Folder, output), "--validation-prompts", prompts, "--validation-steps", "3",
            "--validation-seed", "7"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var grid = PngFile.Read(Path.Combine(output + ".checkpoints", SharpenerValidation.FolderName, "step-000000002.png"));
        Assert.Equal(ValidationGridLayout.Size(["a red circle", "two green squares on yellow"], 64), (grid.Width, grid.Height));
        Assert.Contains("\"seed\":7", grid.GetText("Comment"), StringComparison.Ordinal);

        var none = temp.File("none");
        var off = DiceProcess.Run([.. Args(model.Weights, data.Folder, none), "--validation-steps", "0"]);
        Assert.True(off.ExitCode == 0, off.Stderr);
        Assert.DoesNotContain("validation", off.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(none, "sharpener.safetensors")));
        Assert.False(Directory.Exists(Path.Combine(none + ".checkpoints", SharpenerValidation.FolderName)));
    }

    [Fact]
    public void Help_describes_the_validation_options_and_the_default_image_size()
    {
        var r = DiceProcess.Run(["train", "--help"]);
        var help = r.Stdout + r.Stderr;
        Assert.Contains("--validation-prompts", help, StringComparison.Ordinal);
        Assert.Contains("--validation-seed", help, StringComparison.Ordinal);
        Assert.Matches(@"--validation-steps\s+\(Default: 20\)", help);
        Assert.Contains("downscale", help, StringComparison.Ordinal);
        Assert.DoesNotContain("sample_size × 8", help, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--validation-prompts", "missing", "does not exist")]
    [InlineData("--validation-prompts", "empty", "has no prompts")]
    [InlineData("--validation-steps", "-1", "--validation-steps")]
    [InlineData("--teacher-precision", "fp8", "unknown --teacher-precision 'fp8'")]
    [InlineData("--teacher-precision", "fp16", "a float16 teacher needs a CUDA device")]
    [InlineData("--snr-cap", "0.5", "--snr-cap must be a finite number ≥ 1 (got 0.5)")]
    [InlineData("--snr-cap", "Infinity", "--snr-cap must be a finite number ≥ 1")]
    public void Bad_validation_options_are_one_line_errors_and_write_nothing(string option, string value, string reason)
    {
        using var temp = new TempDirectory();
        var argument = value;
        if (option == "--validation-prompts")
        {
            argument = temp.File("prompts.txt");
            if (value == "empty")
            {
                File.WriteAllText(argument, "\n \n");
            }
        }
        var output = temp.File("sharpener");
        var r = DiceProcess.Run([.. Args(model.Weights, data.Folder, output), option, argument]);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains(reason, r.Stderr, StringComparison.Ordinal);
        if (option == "--validation-prompts")
        {
            Assert.Contains(argument, r.Stderr, StringComparison.Ordinal);
        }
        Assert.False(Directory.Exists(output));
        Assert.False(Directory.Exists(output + ".checkpoints"));
    }

    [Theory]
    [InlineData("missing-teacher", "does not exist")]
    [InlineData("teacher-without-unet", "unet")]
    [InlineData("missing-data", "does not exist")]
    [InlineData("malformed-metadata", "line 33")]
    public void Bad_inputs_are_one_line_errors_and_write_nothing(string kind, string reason)
    {
        using var temp = new TempDirectory();
        var teacher = model.Weights;
        var dataPath = data.Folder;
        switch (kind)
        {
            case "missing-teacher":
                teacher = temp.File("nowhere");
                break;
            case "teacher-without-unet":
                teacher = temp.File("teacher");
                TinyOnnxModel.CopyDirectory(model.Weights, teacher);
                Directory.Delete(Path.Combine(teacher, "unet"), recursive: true);
                break;
            case "missing-data":
                dataPath = temp.File("no-data");
                break;
            case "malformed-metadata":
                dataPath = temp.File("data");
                TinyOnnxModel.CopyDirectory(data.Folder, dataPath);
                File.AppendAllText(Path.Combine(dataPath, "metadata.jsonl"), "{\"file_name\": \n");
                break;
        }
        var output = temp.File("sharpener");
        var r = DiceProcess.Run(Args(teacher, dataPath, output));
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains(reason, r.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
        Assert.False(Directory.Exists(output + ".checkpoints"));
    }
}
