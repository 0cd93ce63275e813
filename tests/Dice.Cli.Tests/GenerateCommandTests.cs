using System.Text.Json;
using Dice.Onnx;
using Dice.Core.Images;
using Onnx;

namespace Dice.Cli.Tests;

[Collection(TinyOnnxModelCollection.Name)]
public class GenerateCommandTests(TinyOnnxModel model)
{
    [Theory]
    [InlineData("unguided")]
    [InlineData("cfg")]
    [InlineData("dice")]
    public void Each_mode_writes_a_png_of_the_requested_size_and_a_sidecar(string mode)
    {
        using var dir = new TempDirectory();
        var output = dir.File("out.png");
        var r = DiceProcess.Run(["generate", "a red circle", "--model", model.WithDice, "--mode", mode, "--steps", "3",
            "--height", "48", "--width", "32", "--seed", "9", "--out", output]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var png = PngFile.Read(output);
        Assert.Equal((32, 48), (png.Width, png.Height));
        using var sidecar = JsonDocument.Parse(File.ReadAllText(dir.File("out.json")));
        var root = sidecar.RootElement;
        Assert.Equal(mode, root.GetProperty("mode").GetString());
        Assert.Equal("a red circle", root.GetProperty("prompt").GetString());
        Assert.Equal(9UL, root.GetProperty("seed").GetUInt64());
        Assert.Equal(3, root.GetProperty("steps").GetInt32());
        Assert.Equal("dpmpp-2m", root.GetProperty("scheduler").GetString());
        Assert.Equal(3, root.GetProperty("unet_calls").GetInt32());
        Assert.Contains($"{mode}: 1 image(s), 3 UNet calls", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_prompts_and_images_get_numbered_files()
    {
        using var dir = new TempDirectory();
        var r = DiceProcess.Run(["generate", "a red circle", "a blue square", "--model", model.Plain, "--mode", "unguided",
            "--steps", "2", "--batch", "2", "--height", "32", "--width", "32", "--out", dir.File("img.png")]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(["img-0.json", "img-0.png", "img-1.json", "img-1.png", "img-2.json", "img-2.png", "img-3.json", "img-3.png"],
            dir.FileNames());
        using var third = JsonDocument.Parse(File.ReadAllText(dir.File("img-2.json")));
        Assert.Equal("a blue square", third.RootElement.GetProperty("prompt").GetString());
    }

    [Fact]
    public void Dice_is_the_default_mode_when_the_model_has_it()
    {
        using var dir = new TempDirectory();
        var withDice = DiceProcess.Run(["generate", "x", "--model", model.WithDice, "--steps", "1", "--height", "32", "--width", "32", "--out", dir.File("a.png")]);
        Assert.Contains("dice: 1 image(s)", withDice.Stdout, StringComparison.Ordinal);
        var without = DiceProcess.Run(["generate", "x", "--model", model.Plain, "--steps", "1", "--height", "32", "--width", "32", "--out", dir.File("b.png")]);
        Assert.Contains("cfg: 1 image(s), 1 UNet calls", without.Stdout, StringComparison.Ordinal);
    }

    public static TheoryData<string, string[]> BadInputs => new()
    {
        { "--steps 0: use 1 to 1000", ["--steps", "0"] },
        { "unknown scheduler", ["--scheduler", "lms"] },
        { "takes a positive multiple of 16 pixels", ["--height", "40"] },
        { "unknown --mode", ["--mode", "fast"] },
        { "unknown --ep", ["--ep", "tpu"] },
        { "must name a .png file", ["--out", "x.jpg"] },
        { "does not exist", ["--model", "/nonexistent/model"] },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_is_one_line_exit_2_and_no_file(string reason, string[] options)
    {
        using var dir = new TempDirectory();
        var args = new List<string> { "generate", "a cat" };
        if (!options.Contains("--model"))
        {
            args.AddRange(["--model", model.Plain]);
        }
        if (!options.Contains("--out"))
        {
            args.AddRange(["--out", dir.File("out.png")]);
        }
        args.AddRange(options.Select(o => o == "x.jpg" ? dir.File("x.jpg") : o));
        var r = DiceProcess.Run(args);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(reason, r.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Empty(dir.FileNames());
    }

    [Fact]
    public void No_prompt_is_an_error()
    {
        var r = DiceProcess.Run(["generate", "--model", model.Plain]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("prompt", r.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_missing_component_is_named()
    {
        using var dir = new TempDirectory();
        var broken = dir.File("broken");
        TinyOnnxModel.CopyDirectory(model.Plain, broken);
        Directory.Delete(Path.Combine(broken, "vae_decoder"), recursive: true);
        var r = DiceProcess.Run(["generate", "a cat", "--model", broken, "--out", dir.File("out.png")]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("has no vae_decoder/model.onnx", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("out.png")));
    }

    [Fact]
    public void A_unet_fixed_to_another_latent_size_is_reported()
    {
        using var dir = new TempDirectory();
        var fixedSize = dir.File("fixed");
        TinyOnnxModel.CopyDirectory(model.Plain, fixedSize);
        var unet = new OnnxGraphBuilder("unet");
        unet.AddInput("sample", TensorProto.Types.DataType.Float, 1, 4, 2, 2);
        unet.AddInput("timestep", TensorProto.Types.DataType.Int64, 1);
        unet.AddInput("encoder_hidden_states", TensorProto.Types.DataType.Float, 1, 77, 16);
        unet.AddNode("Identity", ["sample"], ["out_sample"]);
        unet.AddOutput("out_sample", TensorProto.Types.DataType.Float, 1, 4, 2, 2);
        unet.Save(Path.Combine(fixedSize, "unet", "model.onnx"));

        var r = DiceProcess.Run(["generate", "a cat", "--model", fixedSize, "--mode", "unguided", "--height", "32", "--width", "32",
            "--out", dir.File("out.png")]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("this UNet takes 2×2 latents (16×16 images); asked for 4×4 latents (32×32 images)", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("out.png")));
    }

    [Fact]
    public void A_missing_default_model_says_where_it_looked()
    {
        var r = DiceProcess.Run(["generate", "a cat"], new Dictionary<string, string> { ["DICE_MODEL"] = "/nonexistent/dice-mini" });
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("the default model is not at /nonexistent/dice-mini", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_model_is_used_without_model()
    {
        using var dir = new TempDirectory();
        var r = DiceProcess.Run(["generate", "a cat", "--steps", "1", "--height", "32", "--width", "32", "--out", dir.File("d.png")],
            new Dictionary<string, string> { ["DICE_MODEL"] = model.WithDice });
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("dice: 1 image(s)", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Cuda_without_its_libraries_names_what_to_install()
    {
        using var dir = new TempDirectory();
        var r = DiceProcess.Run(["generate", "a cat", "--model", model.Plain, "--ep", "cuda", "--out", dir.File("out.png")]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("libcudart.so.13", r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Empty(dir.FileNames());
    }
}
