using Dice.Models.Sharpener;
using Dice.Trainer;
using static TorchSharp.torch;

namespace Dice.Cli.Tests;

[Collection(TinyOnnxModelCollection.Name)]
public class ExportCommandTests(TinyOnnxModel model)
{
    private static string Sharpener(TempDirectory dir, SharpenerConfig config, string configJson)
    {
        var folder = Directory.CreateDirectory(dir.File("sharpener")).FullName;
        using var ops = new TorchOps(seed: 2);
        _ = new DiceSharpener<Tensor>(ops, config);
        ops.Save(Path.Combine(folder, "sharpener.safetensors"));
        File.WriteAllText(Path.Combine(folder, "config.json"), configJson);
        return folder;
    }

    [Fact]
    public void Export_then_generate_in_dice_mode()
    {
        using var dir = new TempDirectory();
        var folder = dir.File("model");
        TinyOnnxModel.CopyDirectory(model.Plain, folder);
        var config = new SharpenerConfig(16, 8, 2);
        var r = DiceProcess.Run(["export", "--sharpener", Sharpener(dir, config, config.ToJson()), "--model", folder]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var inspect = DiceProcess.Run(["inspect", folder]);
        Assert.Contains("DICE          text_encoder_dice present", inspect.Stdout, StringComparison.Ordinal);
        Assert.Contains("in   alpha: float[] (optional)", inspect.Stdout, StringComparison.Ordinal);
        var generate = DiceProcess.Run(["generate", "a cat", "--model", folder, "--alpha", "1.5", "--steps", "2", "--height", "32", "--width", "32",
            "--out", dir.File("cat.png")]);
        Assert.True(generate.ExitCode == 0, generate.Stderr);
        Assert.Contains("dice: 1 image(s), 2 UNet calls", generate.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"embedding_dim\": 32, \"inner_dim\": 8, \"heads\": 2}", "32-wide")]
    [InlineData("{\"inner_dim\": 8}", "\"embedding_dim\" is missing")]
    [InlineData("{\"embedding_dim\": \"wide\"}", "must be an integer")]
    public void Bad_sharpeners_are_one_line_errors_and_write_nothing(string configJson, string reason)
    {
        using var dir = new TempDirectory();
        var folder = dir.File("model");
        TinyOnnxModel.CopyDirectory(model.Plain, folder);
        var config = configJson.Contains("32", StringComparison.Ordinal) ? new SharpenerConfig(32, 8, 2) : new SharpenerConfig(16, 8, 2);
        var r = DiceProcess.Run(["export", "--sharpener", Sharpener(dir, config, configJson), "--model", folder]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(reason, r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(Path.Combine(folder, "text_encoder_dice")));
    }
}
