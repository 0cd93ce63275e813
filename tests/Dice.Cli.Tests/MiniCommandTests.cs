using System.Text.Json;
using Dice.Tests.Shared;

namespace Dice.Cli.Tests;

public sealed class MiniCommandTests
{
    [Theory]
    [InlineData("--device", "tpu", "unknown --device 'tpu'")]
    [InlineData("--teacher-steps", "-1", "must not be negative")]
    [InlineData("--vae-steps", "-3", "must not be negative")]
    [InlineData("--teacher-batch", "0", "--teacher-batch must be at least 1")]
    [InlineData("--teacher-lr", "0", "--teacher-lr must be a positive number")]
    [InlineData("--teacher-caption-noise", "1.2", "--teacher-caption-noise must lie in [0, 1]")]
    [InlineData("--teacher-snr-cap", "0.5", "--teacher-snr-cap must be a finite number ≥ 1")]
    [InlineData("--scale", "huge", "unknown --scale 'huge'")]
    public void Bad_options_are_one_usage_line_and_write_nothing(string option, string value, string expected)
    {
        using var directory = new TempDirectory();
        var folder = directory.File("mini");
        string[] scale = option == "--scale" ? [] : ["--scale", "smoke"];
        var result = DiceProcess.Run(["mini", .. scale, "--out", folder, option, value]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void Overrides_reach_the_recipe_and_recipe_json_records_them()
    {
        using var directory = new TempDirectory();
        var folder = directory.File("mini");
        var result = DiceProcess.Run(["mini", "--scale", "smoke", "--out", folder,
            "--vae-steps", "3", "--teacher-steps", "4", "--teacher-batch", "2", "--teacher-lr", "0.002", "--device", "cpu",
            "--teacher-caption-noise", "0.25", "--teacher-snr-cap", "7"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var recipe = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "recipe.json")));
        var root = recipe.RootElement;
        Assert.Equal(3, root.GetProperty("vae").GetProperty("steps").GetInt32());
        var teacher = root.GetProperty("teacher");
        Assert.Equal(4, teacher.GetProperty("steps").GetInt32());
        Assert.Equal(2, teacher.GetProperty("batch_size").GetInt32());
        Assert.Equal(0.002, teacher.GetProperty("learning_rate").GetDouble());
        Assert.Equal(0.25, teacher.GetProperty("caption_noise").GetDouble());
        Assert.Equal(7, teacher.GetProperty("inverse_snr_weight_cap").GetDouble());
        Assert.Equal("cpu", root.GetProperty("device").GetString());
    }
}
