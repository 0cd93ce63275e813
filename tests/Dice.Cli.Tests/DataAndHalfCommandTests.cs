using System.Text.Json;
using Dice.Safetensors;
using Dice.Tests.Shared;

namespace Dice.Cli.Tests;

public sealed class DataAndHalfCommandTests
{
    [Fact]
    public void Dice_data_writes_an_imagefolder_of_the_split_that_dice_train_can_read()
    {
        using var directory = new TempDirectory();
        var folder = directory.File("train");
        var result = DiceProcess.Run(["data", "--out", folder, "--count", "5", "--split", "train"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = File.ReadAllLines(Path.Combine(folder, "metadata.jsonl"));
        Assert.Equal(5, lines.Length);
        var expected = Data.DiceMiniSplits.Train().Describe(0).Caption;
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal(expected, first.RootElement.GetProperty("text").GetString());
        Assert.True(File.Exists(Path.Combine(folder, first.RootElement.GetProperty("file_name").GetString()!)));

        var again = DiceProcess.Run(["data", "--out", folder, "--count", "5"]);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--force", again.Stderr);
    }

    [Theory]
    [InlineData("--split", "validation", "unknown --split 'validation'")]
    [InlineData("--count", "0", "--count must be at least 1")]
    public void Dice_data_bad_options_are_one_line_and_write_nothing(string option, string value, string expected)
    {
        using var directory = new TempDirectory();
        var folder = directory.File("out");
        var result = DiceProcess.Run(["data", "--out", folder, option, value]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void Dice_half_stores_every_checkpoint_under_a_folder_as_float16()
    {
        using var directory = new TempDirectory();
        var nested = Directory.CreateDirectory(directory.File("unet")).FullName;
        foreach (var path in new[] { directory.File("a.safetensors"), Path.Combine(nested, "b.safetensors") })
        {
            var writer = new SafetensorsWriter();
            writer.AddFloat32("w", [4], [1f, 2f, 3f, 0.25f]);
            writer.Write(path);
        }
        var result = DiceProcess.Run(["half", directory.Path]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        foreach (var path in new[] { directory.File("a.safetensors"), Path.Combine(nested, "b.safetensors") })
        {
            using var file = SafetensorsFile.Open(path);
            Assert.Equal(SafetensorsDType.Float16, file.GetTensor("w").DType);
            Assert.Equal([1f, 2f, 3f, 0.25f], file.ReadFloat32("w"));
        }
        var missing = DiceProcess.Run(["half", directory.File("nothing-here")]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("does not exist", missing.Stderr);
    }
}
