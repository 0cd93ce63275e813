using Dice.Tests.Shared;

namespace Dice.Cli.Tests;

[Collection(SmokeModelCollection.Name)]
public sealed class EvalCommandTests(SmokeModel model)
{
    [Fact]
    public void Dice_eval_prints_the_table_and_writes_markdown_json_and_the_sweep_plot()
    {
        using var directory = new TempDirectory();
        var result = DiceProcess.Run(["eval", "--model", model.WithDice, "--count", "4", "--steps", "2", "--batch", "2",
            "--scales", "1.5", "--alpha-sweep", "0,1", "--guidance-sweep", "1,3", "--embeddings", "--out", directory.Path]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("| DICE alpha=1 | 2 |", result.Stdout);
        Assert.Contains("padding tokens", result.Stdout);
        Assert.True(File.Exists(directory.File("eval.md")));
        Assert.True(File.Exists(directory.File("eval.json")));
        Assert.True(File.Exists(directory.File("sweep.png")));
    }

    [Theory]
    [InlineData("--scales", "1,x", "'x' is not a number")]
    [InlineData("--count", "0", "--count must be at least 1")]
    [InlineData("--prompts", "/nonexistent/prompts.txt", "no prompt file")]
    public void Bad_input_is_one_clear_line_and_nothing_is_written(string option, string value, string expected)
    {
        using var directory = new TempDirectory();
        var output = directory.File("out");
        var result = DiceProcess.Run(["eval", "--model", model.Folder, option, value, "--out", output]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Embeddings_without_a_dice_encoder_is_a_usage_error()
    {
        var result = DiceProcess.Run(["eval", "--model", model.Folder, "--embeddings", "--count", "2"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("text_encoder_dice", result.Stderr);
    }
}
