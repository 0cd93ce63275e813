using System.Security.Cryptography;
using System.Text.Json;
using Dice.Core.Sampling;

namespace Dice.Cli.Tests;

/// <summary>`dice generate --noise` and `--latents`, and what the sidecar records of them and of the timestep input.</summary>
[Collection(TinyOnnxModelCollection.Name)]
public sealed class GenerateNoiseCommandTests(TinyOnnxModel model)
{
    private static readonly string[] Common = ["--mode", "unguided", "--steps", "2", "--scheduler", "ddim", "--height", "32", "--width", "32"];

    private static JsonElement Sidecar(string pngPath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(pngPath, ".json")));
        return doc.RootElement.Clone();
    }

    [Fact]
    public void Torch_noise_equals_starting_from_its_latents_and_both_are_recorded()
    {
        using var dir = new TempDirectory();
        var torch = DiceProcess.Run(["generate", "a red circle", "--model", model.Plain, .. Common, "--seed", "9", "--noise", "torch",
            "--out", dir.File("torch.png")]);
        Assert.True(torch.ExitCode == 0, torch.Stderr);

        // Latents are the image size over the VAE factor, 2^(levels − 1) of the decoder config.
        var h = 32 / VaeFactor(model.Plain);
        var drawn = new float[4 * h * h];
        new TorchCpuNoise(9).Fill(drawn);
        var npy = dir.File("latents.npy");
        File.WriteAllBytes(npy, NpyBytes.Float32($"(1, 4, {h}, {h})", drawn));
        var given = DiceProcess.Run(["generate", "a red circle", "--model", model.Plain, .. Common, "--latents", npy,
            "--out", dir.File("given.png")]);
        Assert.True(given.ExitCode == 0, given.Stderr);
        Assert.Equal(File.ReadAllBytes(dir.File("torch.png")), File.ReadAllBytes(dir.File("given.png")));

        var torchSidecar = Sidecar(dir.File("torch.png"));
        Assert.Equal("torch", torchSidecar.GetProperty("noise").GetString());
        Assert.Equal(1, torchSidecar.GetProperty("noise_batch").GetInt32());
        Assert.Equal(JsonValueKind.Null, torchSidecar.GetProperty("latents").ValueKind);
        Assert.Equal("float32", torchSidecar.GetProperty("timestep_input").GetString());

        var latents = Sidecar(dir.File("given.png")).GetProperty("latents");
        Assert.Equal(Path.GetFullPath(npy), latents.GetProperty("path").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(npy))), latents.GetProperty("sha256").GetString());
    }

    [Fact]
    public void Dice_noise_stays_the_default_and_an_int64_timestep_is_recorded_as_truncated()
    {
        using var dir = new TempDirectory();
        var r = DiceProcess.Run(["generate", "a red circle", "--model", model.Int64Timestep, .. Common, "--out", dir.File("a.png")]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var sidecar = Sidecar(dir.File("a.png"));
        Assert.Equal("dice", sidecar.GetProperty("noise").GetString());
        Assert.Equal("int64 (truncated)", sidecar.GetProperty("timestep_input").GetString());
    }

    [Fact]
    public void Bad_latents_and_noise_are_one_line_naming_the_file_and_the_problem()
    {
        using var dir = new TempDirectory();
        var h = 32 / VaeFactor(model.Plain);
        var wrongShape = dir.File("wrong.npy");
        File.WriteAllBytes(wrongShape, NpyBytes.Float32($"(2, 4, {h}, {h})", new float[2 * 4 * h * h]));
        var doubles = dir.File("doubles.npy");
        File.WriteAllBytes(doubles, NpyBytes.Create("<f8", "(4,)", new byte[32]));
        var missing = dir.File("missing.npy");
        foreach (var (args, expected) in new (string[], string[])[]
        {
            (["--latents", wrongShape], [wrongShape, $"(2, 4, {h}, {h})", "do not fit"]),
            (["--latents", doubles], [doubles, "'<f8'"]),
            (["--latents", missing], [missing, "no such file"]),
            (["--noise", "numpy"], ["unknown --noise 'numpy'"]),
        })
        {
            var r = DiceProcess.Run(["generate", "a cat", "--model", model.Plain, .. Common, .. args, "--out", dir.File("out.png")]);
            Assert.Equal(2, r.ExitCode);
            Assert.Single(r.Stderr.Trim().Split('\n'));
            Assert.All(expected, e => Assert.Contains(e, r.Stderr, StringComparison.Ordinal));
            Assert.False(File.Exists(dir.File("out.png")));
        }
    }

    private static int VaeFactor(string folder)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "vae_decoder", "config.json")));
        return 1 << (config.RootElement.GetProperty("block_out_channels").GetArrayLength() - 1);
    }
}
