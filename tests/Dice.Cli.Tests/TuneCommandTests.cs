using Dice.Tests.Shared;

namespace Dice.Cli.Tests;

public sealed class TuneCommandTests
{
    private static string SmokeWeights(TempDirectory directory)
    {
        var folder = directory.File("mini");
        var made = DiceProcess.Run(["mini", "--scale", "smoke", "--out", folder]);
        Assert.True(made.ExitCode == 0, made.Stderr);
        return Path.Combine(folder, "weights");
    }

    private static string CopyOf(string weights, string destination)
    {
        foreach (var file in Directory.GetFiles(weights, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(weights, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return destination;
    }

    [Theory]
    [InlineData("--steps", "0", "--steps and --batch must be at least 1")]
    [InlineData("--lr", "-1", "--lr must be a positive number")]
    [InlineData("--caption-noise", "1.5", "--caption-noise must lie in [0, 1]")]
    [InlineData("--snr-cap", "0.5", "--snr-cap must be a finite number ≥ 1")]
    public void Bad_options_are_one_usage_line_and_leave_the_weights_alone(string option, string value, string expected)
    {
        using var directory = new TempDirectory();
        var weights = SmokeWeights(directory);
        var unet = Path.Combine(weights, "unet", "diffusion_pytorch_model.safetensors");
        var before = File.ReadAllBytes(unet);
        var result = DiceProcess.Run(["tune", "--weights", weights, option, value]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
        Assert.Equal(before, File.ReadAllBytes(unet));
    }

    [Fact]
    public void A_missing_weights_folder_is_named()
    {
        using var directory = new TempDirectory();
        var result = DiceProcess.Run(["tune", "--weights", directory.File("none")]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("does not exist", result.Stderr);
    }

    [Fact]
    public void Tuning_updates_text_encoder_and_unet_and_the_same_seed_gives_the_same_weights()
    {
        using var directory = new TempDirectory();
        var weights = SmokeWeights(directory);
        var first = CopyOf(weights, directory.File("first"));
        var second = CopyOf(weights, directory.File("second"));
        string[] settings = ["--steps", "2", "--batch", "4", "--snr-cap", "20", "--caption-noise", "0.3", "--seed", "5"];
        var log = directory.File("loss.jsonl");
        var a = DiceProcess.Run(["tune", "--weights", first, .. settings, "--loss-log", log]);
        Assert.True(a.ExitCode == 0, a.Stderr);
        var b = DiceProcess.Run(["tune", "--weights", second, .. settings]);
        Assert.True(b.ExitCode == 0, b.Stderr);
        Assert.Equal(2, File.ReadAllLines(log).Length);
        foreach (var file in new[] { "text_encoder/model.safetensors", "unet/diffusion_pytorch_model.safetensors" })
        {
            Assert.NotEqual(File.ReadAllBytes(Path.Combine(weights, file)), File.ReadAllBytes(Path.Combine(first, file)));
            Assert.Equal(File.ReadAllBytes(Path.Combine(first, file)), File.ReadAllBytes(Path.Combine(second, file)));
        }
        // The VAE is frozen.
        Assert.Equal(File.ReadAllBytes(Path.Combine(weights, "vae/diffusion_pytorch_model.safetensors")),
            File.ReadAllBytes(Path.Combine(first, "vae/diffusion_pytorch_model.safetensors")));
        // The tuned folder still converts.
        var converted = DiceProcess.Run(["convert", first, "--components", "text_encoder,unet", "--out", directory.File("onnx")]);
        Assert.True(converted.ExitCode == 0, converted.Stderr);
        Assert.True(File.Exists(Path.Combine(directory.File("onnx"), "unet", "model.onnx")));
    }
}
