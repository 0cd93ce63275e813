using System.Text.Json;
using System.Text.Json.Nodes;
using Dice.Core.Images;
using Dice.Models.Sharpener;
using Dice.Trainer;
using static TorchSharp.torch;

namespace Dice.Cli.Tests;

/// <summary>
/// `dice generate --from SIDECAR.json` on the tiny model with a sharpener fused in by `dice export` (so the DICE
/// encoder takes alpha, a negative prompt and beta): the regenerated PNG is byte for byte the original.
/// </summary>
[Collection(TinyOnnxModelCollection.Name)]
public class GenerateFromSidecarTests(TinyOnnxModel model)
{
    private static readonly Lock Gate = new();
    private static TempDirectory? fusedDirectory;

    private string Fused()
    {
        lock (Gate)
        {
            if (fusedDirectory is null)
            {
                var dir = new TempDirectory();
                var sharpener = Directory.CreateDirectory(dir.File("sharpener")).FullName;
                var config = new SharpenerConfig(16, 8, 2);
                using (var ops = new TorchOps(seed: 5))
                {
                    _ = new DiceSharpener<Tensor>(ops, config);
                    ops.Save(Path.Combine(sharpener, "sharpener.safetensors"));
                }
                File.WriteAllText(Path.Combine(sharpener, "config.json"), config.ToJson());
                TinyOnnxModel.CopyDirectory(model.Plain, dir.File("model"));
                var r = DiceProcess.Run(["export", "--sharpener", sharpener, "--model", dir.File("model")]);
                Assert.True(r.ExitCode == 0, r.Stderr);
                fusedDirectory = dir;
            }
            return fusedDirectory.File("model");
        }
    }

    /// <summary>A 32×32 PNG: left half red, right half a blue-green ramp.</summary>
    private static string InitImage(TempDirectory dir)
    {
        var image = new RgbImage(32, 32);
        for (var y = 0; y < 32; y++)
        {
            for (var x = 0; x < 32; x++)
            {
                image.SetPixel(x, y, x < 16 ? new RgbColor(220, 30, 30) : new RgbColor(0, (byte)(8 * y), 200));
            }
        }
        var path = dir.File("init.png");
        PngFile.Write(path, image);
        return path;
    }

    public static TheoryData<string, string[], string, string?> Cases => new()
    {
        // name, options, sidecar field that records the option, its expected JSON text (null: the field is null)
        { "unguided", ["--mode", "unguided"], "guidance", null },
        { "cfg", ["--mode", "cfg", "--guidance", "5", "--negative-prompt", "blurry"], "guidance", "5" },
        { "cfg-rescale", ["--mode", "cfg", "--guidance-rescale", "0.7", "--cfg-sequential"], "guidance_rescale", "0.7" },
        { "dice", ["--mode", "dice", "--alpha", "1.5"], "beta", "1" },
        { "dice-negative-beta", ["--mode", "dice", "--negative-prompt", "blurry", "--beta", "0.5"], "beta", "0.5" },
        { "dice-img2img", ["--mode", "dice", "--init-image", "INIT", "--strength", "0.5"], "strength", "0.5" },
        { "cfg-img2img-euler", ["--mode", "cfg", "--init-image", "INIT", "--strength", "0.7", "--scheduler", "euler"], "strength", "0.7" },
        { "unguided-img2img-default-strength", ["--mode", "unguided", "--init-image", "INIT", "--scheduler", "ddim"], "strength", "0.8" },
        { "cfg-torch-noise-ancestral", ["--mode", "cfg", "--noise", "torch", "--scheduler", "euler-a"], "noise", "\"torch\"" },
        { "dice-sde-karras", ["--mode", "dice", "--scheduler", "dpmpp-2m-sde-karras"], "scheduler", "\"dpmpp-2m-sde-karras\"" },
        { "cfg-ddim-eta", ["--mode", "cfg", "--scheduler", "ddim", "--eta", "0.5"], "eta", "0.5" },
        { "unguided-given-latents", ["--mode", "unguided", "--latents", "LATENTS", "--scheduler", "euler-a"], "noise_batch", "1" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void From_reproduces_the_png_byte_for_byte(string name, string[] options, string field, string? expected)
    {
        using var dir = new TempDirectory();
        var init = InitImage(dir);
        var args = new List<string> { "generate", "a red circle", "--model", Fused(), "--steps", "4", "--seed", "4", "--out", dir.File("a.png") };
        var latents = dir.File("latents.npy");
        // [4, 4, 4]: the tiny model's latents for a 32×32 image, a smooth made-up field.
        File.WriteAllBytes(latents, NpyBytes.Float32("(4, 4, 4)", Enumerable.Range(0, 64).Select(i => MathF.Sin(i * 0.7f)).ToArray()));
        args.AddRange(options.Select(o => o switch { "INIT" => init, "LATENTS" => latents, _ => o }));
        if (!options.Contains("--init-image"))
        {
            args.AddRange(["--height", "32", "--width", "32"]);
        }
        var first = DiceProcess.Run(args);
        Assert.True(first.ExitCode == 0, $"{name}: {first.Stderr}");
        var sidecar = JsonNode.Parse(File.ReadAllText(dir.File("a.json")))!.AsObject();
        Assert.Equal(expected, sidecar[field]?.ToJsonString());
        // A field of a later version is ignored.
        sidecar["a_later_field"] = "whatever";
        File.WriteAllText(dir.File("a.json"), sidecar.ToJsonString());

        var again = DiceProcess.Run(["generate", "--from", dir.File("a.json"), "--out", dir.File("b.png")]);
        Assert.True(again.ExitCode == 0, $"{name}: {again.Stderr}");
        Assert.Equal(File.ReadAllBytes(dir.File("a.png")), File.ReadAllBytes(dir.File("b.png")));
    }

    [Fact]
    public void From_regenerates_one_image_of_a_run_of_several_prompts_and_images()
    {
        using var dir = new TempDirectory();
        var r = DiceProcess.Run(["generate", "a red circle", "a blue square", "--model", model.Plain, "--mode", "cfg", "--batch", "2",
            "--steps", "3", "--height", "32", "--width", "32", "--seed", "8", "--out", dir.File("img.png")]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var again = DiceProcess.Run(["generate", "--from", dir.File("img-3.json"), "--out", dir.File("again.png")]);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(File.ReadAllBytes(dir.File("img-3.png")), File.ReadAllBytes(dir.File("again.png")));
        using var sidecar = JsonDocument.Parse(File.ReadAllText(dir.File("again.json")));
        Assert.Equal("a blue square", sidecar.RootElement.GetProperty("prompt").GetString());
        Assert.Equal(3, sidecar.RootElement.GetProperty("image_index").GetInt32());
    }

    [Fact]
    public void Beta_moves_the_dice_image_and_is_refused_where_it_means_nothing()
    {
        using var dir = new TempDirectory();
        byte[] Png(string beta, string file)
        {
            var r = DiceProcess.Run(["generate", "a red circle", "--model", Fused(), "--mode", "dice", "--negative-prompt", "blurry",
                "--beta", beta, "--steps", "3", "--height", "32", "--width", "32", "--out", dir.File(file)]);
            Assert.True(r.ExitCode == 0, r.Stderr);
            return File.ReadAllBytes(dir.File(file));
        }
        Assert.NotEqual(Png("0", "b0.png"), Png("1", "b1.png"));

        using var bad = new TempDirectory();
        var noNegative = DiceProcess.Run(["generate", "a red circle", "--model", Fused(), "--mode", "dice", "--beta", "0",
            "--steps", "1", "--height", "32", "--width", "32", "--out", bad.File("x.png")]);
        Assert.Equal(2, noNegative.ExitCode);
        Assert.Contains("use mode dice with a negative prompt", noNegative.Stderr, StringComparison.Ordinal);
        Assert.Single(noNegative.Stderr.Trim().Split('\n'));
        Assert.Empty(bad.FileNames());
    }

    [Fact]
    public void A_recorded_init_image_outside_the_sidecars_folder_is_read_only_when_named_again()
    {
        using var dir = new TempDirectory();
        using var elsewhere = new TempDirectory();
        var init = InitImage(elsewhere);
        var r = DiceProcess.Run(["generate", "a red circle", "--model", model.Plain, "--mode", "unguided", "--init-image", init,
            "--steps", "2", "--out", dir.File("a.png")]);
        Assert.True(r.ExitCode == 0, r.Stderr);

        var refused = DiceProcess.Run(["generate", "--from", dir.File("a.json"), "--out", dir.File("b.png")]);
        Assert.Equal(2, refused.ExitCode);
        Assert.Single(refused.Stderr.Trim().Split('\n'));
        Assert.Contains("--init-image FILE", refused.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("b.png")));

        var again = DiceProcess.Run(["generate", "--from", dir.File("a.json"), "--init-image", init, "--out", dir.File("b.png")]);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(File.ReadAllBytes(dir.File("a.png")), File.ReadAllBytes(dir.File("b.png")));
    }

    public static TheoryData<string, string> BadSidecars => new()
    {
        { "--steps", "drop --steps" },
        { "compare", "a --compare grid's sidecar" },
        { "no-seed", "no \"seed\"" },
        { "bad-mode", "unknown mode 'fast'" },
        { "changed-init", "has changed since" },
    };

    [Theory]
    [MemberData(nameof(BadSidecars))]
    public void A_sidecar_it_cannot_honour_is_one_line_exit_2_and_no_file(string problem, string reason)
    {
        using var dir = new TempDirectory();
        var init = InitImage(dir);
        var r = DiceProcess.Run(["generate", "a red circle", "--model", model.Plain, "--mode", "unguided", "--init-image", init,
            "--steps", "2", "--strength", "1", "--out", dir.File("a.png")]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var sidecar = JsonNode.Parse(File.ReadAllText(dir.File("a.json")))!.AsObject();
        var extra = new List<string>();
        switch (problem)
        {
            case "--steps": extra.AddRange(["--steps", "5"]); break;
            case "compare": sidecar["compare"] = true; break;
            case "no-seed": sidecar.Remove("seed"); break;
            case "bad-mode": sidecar["mode"] = "fast"; break;
            default: File.WriteAllBytes(init, [.. File.ReadAllBytes(init), 0]); break;
        }
        File.WriteAllText(dir.File("a.json"), sidecar.ToJsonString());
        using var outDir = new TempDirectory();
        var again = DiceProcess.Run(["generate", "--from", dir.File("a.json"), "--out", outDir.File("b.png"), .. extra]);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains(reason, again.Stderr, StringComparison.Ordinal);
        Assert.Single(again.Stderr.Trim().Split('\n'));
        Assert.Empty(outDir.FileNames());
    }
}
