using System.Text.Json;
using Dice.Models.Sharpener;
using Dice.Core.Images;
using Dice.Trainer;
using static TorchSharp.torch;

namespace Dice.Cli.Tests;

/// <summary>`dice generate --compare` on the tiny model with a sharpener fused in by `dice export`.</summary>
[Collection(TinyOnnxModelCollection.Name)]
public class CompareCommandTests(TinyOnnxModel model)
{
    private static string FusedModel(TempDirectory dir, TinyOnnxModel model)
    {
        var sharpener = Directory.CreateDirectory(dir.File("sharpener")).FullName;
        var config = new SharpenerConfig(16, 8, 2);
        using (var ops = new TorchOps(seed: 5))
        {
            _ = new DiceSharpener<Tensor>(ops, config);
            ops.Save(Path.Combine(sharpener, "sharpener.safetensors"));
        }
        File.WriteAllText(Path.Combine(sharpener, "config.json"), config.ToJson());
        var folder = dir.File("model");
        TinyOnnxModel.CopyDirectory(model.Plain, folder);
        var r = DiceProcess.Run(["export", "--sharpener", sharpener, "--model", folder]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return folder;
    }

    [Fact]
    public void Compare_writes_one_grid_and_a_sidecar_and_prints_each_mode()
    {
        using var dir = new TempDirectory();
        var folder = FusedModel(dir, model);
        var output = dir.File("compare.png");
        var r = DiceProcess.Run(["generate", "a red circle", "a blue square", "--compare", "--model", folder, "--steps", "4",
            "--guidance", "5", "--alpha", "1.5", "--height", "32", "--width", "32", "--seed", "3", "--out", output]);
        Assert.True(r.ExitCode == 0, r.Stderr);

        var png = PngFile.Read(output);
        // 3 columns of 32-pixel images enlarged 8 times (to 256, the legible side) and 2 rows (one per prompt), under
        // one band of three-line headings (20 pixels a line: the 10-pixel font at scale 2).
        var padding = 4;
        Assert.Equal((3 * 256) + (4 * padding), png.Width);

        Assert.Contains("unguided: 4 UNet calls × batch 2 (8 evaluations), ", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("cfg: 4 UNet calls × batch 4 (16 evaluations), ", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("dice: 4 UNet calls × batch 2 (8 evaluations), ", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("dice/cfg: 1.00× UNet calls, 0.50× UNet evaluations, ", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("× denoising time", r.Stdout, StringComparison.Ordinal);

        using var sidecar = JsonDocument.Parse(File.ReadAllText(dir.File("compare.json")));
        var root = sidecar.RootElement;
        Assert.Equal(["a red circle", "a blue square"], root.GetProperty("prompts").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(3UL, root.GetProperty("seed").GetUInt64());
        Assert.Equal(4, root.GetProperty("steps").GetInt32());
        var modes = root.GetProperty("modes").EnumerateArray().ToList();
        Assert.Equal(["unguided", "cfg", "dice"], modes.Select(m => m.GetProperty("mode").GetString()));
        Assert.Equal([4, 4, 4], modes.Select(m => m.GetProperty("unet_calls").GetInt32()));
        Assert.Equal([2, 4, 2], modes.Select(m => m.GetProperty("unet_batch").GetInt32()));
        Assert.Equal(5.0, modes[1].GetProperty("guidance").GetDouble());
        Assert.Equal(1.5, modes[2].GetProperty("alpha").GetDouble());
        Assert.All(modes, m => Assert.True(m.GetProperty("total_s").GetDouble() >= 0));
        Assert.Equal((3 * 20) + padding + (2 * 256) + (3 * padding), png.Height);
        Assert.StartsWith("CFG w=5: 4 UNet calls x batch 4, ", modes[1].GetProperty("caption").GetString(), StringComparison.Ordinal);
        Assert.Equal(0.5, root.GetProperty("dice_over_cfg").GetProperty("unet_evaluations").GetDouble());
        Assert.Equal(["compare.json", "compare.png"], dir.FileNames().Where(f => f.StartsWith("compare", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_panels_are_the_images_of_plain_generate_runs_with_the_same_seed()
    {
        using var dir = new TempDirectory();
        var output = dir.File("grid.png");
        var r = DiceProcess.Run(["generate", "a cat", "--compare", "--cfg-sequential", "--model", model.WithDice, "--steps", "2",
            "--height", "32", "--width", "32", "--seed", "8", "--out", output]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("cfg: 4 UNet calls × batch 1 (4 evaluations), ", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("dice/cfg: 0.50× UNet calls, 0.50× UNet evaluations, ", r.Stdout, StringComparison.Ordinal);
        var grid = PngFile.Read(output).ToRgbImage();
        var padding = 4;
        string[] modes = ["unguided", "cfg", "dice"];
        for (var column = 0; column < modes.Length; column++)
        {
            var single = dir.File($"{modes[column]}.png");
            var g = DiceProcess.Run(["generate", "a cat", "--mode", modes[column], "--cfg-sequential", "--model", model.WithDice, "--steps", "2",
                "--height", "32", "--width", "32", "--seed", "8", "--out", single]);
            Assert.True(g.ExitCode == 0, g.Stderr);
            var panel = PngFile.Read(single).ToRgbImage();
            // Panels are the 32-pixel images enlarged 8 times, below a heading band of three 20-pixel lines.
            var left = padding + (column * (256 + padding));
            var top = padding + (3 * 20) + padding;
            for (var y = 0; y < 256; y++)
            {
                for (var x = 0; x < 256; x++)
                {
                    Assert.Equal(panel.GetPixel(x / 8, y / 8), grid.GetPixel(left + x, top + y));
                }
            }
        }
    }


    [Fact]
    public void Without_a_dice_encoder_it_is_one_line_exit_2_naming_dice_export_and_no_file()
    {
        using var dir = new TempDirectory();
        var r = DiceProcess.Run(["generate", "a cat", "--compare", "--model", model.Plain, "--steps", "1", "--height", "32", "--width", "32",
            "--out", dir.File("c.png")]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("`dice export`", r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Empty(dir.FileNames());
    }

    [Fact]
    public void Mode_with_compare_is_an_error()
    {
        using var dir = new TempDirectory();
        var r = DiceProcess.Run(["generate", "a cat", "--compare", "--mode", "dice", "--model", model.WithDice, "--out", dir.File("c.png")]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--compare runs every mode", r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Empty(dir.FileNames());
    }
}
