using System.Text.Json;
using Dice.Exporter;
using Dice.Models.Classifier;
using Dice.Models.StableDiffusion;
using Dice.Trainer.Recipes;

namespace Dice.Cli.Tests;

public sealed class DiceMiniRecipeTests
{
    private static DiceProcess.Result Mini(string output, params string[] extra) =>
        DiceProcess.Run(["mini", "--out", output, "--scale", "smoke", .. extra]);

    private static string UnetWeights(string folder) =>
        Path.Combine(folder, "weights", "unet", "diffusion_pytorch_model.safetensors");

    [Fact]
    public void The_smoke_recipe_makes_a_folder_that_inspect_reads_and_generate_draws_from()
    {
        using var temp = new TempDirectory();
        var model = temp.File("dice-mini");

        var made = Mini(model);
        Assert.True(made.ExitCode == 0, made.Stderr);

        foreach (var file in new[]
                 {
                     "model_index.json", "text_encoder/model.onnx", "unet/model.onnx", "vae_decoder/model.onnx", "vae_encoder/model.onnx",
                     "tokenizer/vocab.json", "scheduler/scheduler_config.json", "classifier/model.onnx", "recipe.json",
                     "weights/text_encoder/model.safetensors", "weights/text_encoder/config.json", "weights/vae/config.json",
                     "weights/unet/config.json", "weights/tokenizer/merges.txt", "weights/scheduler/scheduler_config.json",
                 })
        {
            Assert.True(File.Exists(Path.Combine(model, file)), $"{file} is missing");
        }
        Assert.True(File.Exists(UnetWeights(model)));
        // Nothing is left beside the output.
        Assert.Equal(["dice-mini"], Entries(temp.Path));

        var inspect = DiceProcess.Run(["inspect", model]);
        Assert.True(inspect.ExitCode == 0, inspect.Stderr);
        Assert.Contains("unet", inspect.Stdout, StringComparison.Ordinal);

        var png = temp.File("out.png");
        var generate = DiceProcess.Run(["generate", "--model", model, "--mode", "cfg", "--steps", "2", "--height", "32", "--width", "32",
            "--out", png, "a red circle on a blue background"]);
        Assert.True(generate.ExitCode == 0, generate.Stderr);
        var bytes = File.ReadAllBytes(png);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
    }

    [Fact]
    public void The_recipe_json_holds_the_settings_and_every_stage_time_and_the_vae_config_the_scaling_factor()
    {
        using var temp = new TempDirectory();
        var model = temp.File("m");
        var made = Mini(model, "--seed", "3");
        Assert.True(made.ExitCode == 0, made.Stderr);

        using var recipe = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "recipe.json")));
        var root = recipe.RootElement;
        Assert.Equal("smoke", root.GetProperty("scale").GetString());
        Assert.Equal(3, root.GetProperty("seed").GetInt32());
        var stages = root.GetProperty("stage_seconds");
        foreach (var stage in DiceMiniRecipe.Stages)
        {
            Assert.True(stages.GetProperty(stage).GetDouble() >= 0, stage);
        }
        var scaling = root.GetProperty("scaling_factor").GetProperty("value").GetDouble();
        Assert.True(scaling > 0);

        using var vae = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "weights", "vae", "config.json")));
        Assert.Equal(scaling, vae.RootElement.GetProperty("scaling_factor").GetDouble(), 12);
        using var decoder = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "vae_decoder", "config.json")));
        Assert.Equal(scaling, decoder.RootElement.GetProperty("scaling_factor").GetDouble(), 12);
    }

    [Fact]
    public void The_same_seed_gives_the_same_unet_bytes_and_another_seed_other_bytes()
    {
        using var temp = new TempDirectory();
        var a = temp.File("a");
        var b = temp.File("b");
        var c = temp.File("c");
        Assert.Equal(0, Mini(a, "--seed", "5").ExitCode);
        Assert.Equal(0, Mini(b, "--seed", "5").ExitCode);
        Assert.Equal(0, Mini(c, "--seed", "6").ExitCode);

        Assert.Equal(File.ReadAllBytes(UnetWeights(a)), File.ReadAllBytes(UnetWeights(b)));
        Assert.NotEqual(File.ReadAllBytes(UnetWeights(a)), File.ReadAllBytes(UnetWeights(c)));
    }

    [Fact]
    public void A_bad_scale_is_a_one_line_usage_error()
    {
        using var temp = new TempDirectory();
        var result = DiceProcess.Run(["mini", "--out", temp.File("m"), "--scale", "bogus"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--scale", result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(Directory.Exists(temp.File("m")));
    }

    [Fact]
    public void An_existing_output_needs_force_and_force_replaces_it()
    {
        using var temp = new TempDirectory();
        var model = temp.File("m");
        Directory.CreateDirectory(model);
        File.WriteAllText(Path.Combine(model, "stale.txt"), "old");

        var refused = Mini(model);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--force", refused.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(model, "stale.txt")));

        var forced = Mini(model, "--force");
        Assert.True(forced.ExitCode == 0, forced.Stderr);
        Assert.False(File.Exists(Path.Combine(model, "stale.txt")));
        Assert.True(File.Exists(Path.Combine(model, "unet", "model.onnx")));
        Assert.Equal(["m"], Entries(temp.Path));
    }

    [Fact]
    public void The_recipe_reports_every_stage_in_order_and_leaves_nothing_when_a_stage_fails()
    {
        using var temp = new TempDirectory();
        var stages = new List<string>();
        var progress = new Collect(p =>
        {
            if (stages.Count == 0 || stages[^1] != p.Stage)
            {
                stages.Add(p.Stage);
            }
            Assert.InRange(p.Fraction, 0, 1);
        });

        DiceMiniRecipe.Run(DiceMiniRecipeOptions.Smoke(), temp.File("ok"), new Exporter(), progress: progress);
        Assert.Equal(DiceMiniRecipe.Stages, stages);

        Assert.Throws<InvalidOperationException>(() =>
            DiceMiniRecipe.Run(DiceMiniRecipeOptions.Smoke(), temp.File("broken"), new Exporter { FailClassifier = true }));
        Assert.Equal(["ok"], Entries(temp.Path));
    }

    [Fact]
    public void The_presets_are_valid_and_the_full_one_is_the_documented_size()
    {
        DiceMiniRecipeOptions.Smoke().Validate();
        var full = DiceMiniRecipeOptions.Full();
        full.Validate();
        Assert.Equal([32, 64, 64], full.Unet.BlockOutChannels);
        Assert.Equal(64, full.TextEncoder.HiddenSize);
        Assert.Equal(3, full.Vae.BlockOutChannels.Count);
        Assert.Equal(400, full.ClassifierSteps);
        Assert.Equal(64, full.ClassifierBatchSize);
        Assert.Null(DiceMiniRecipeOptions.Preset("bogus"));
        Assert.Equal("full", DiceMiniRecipeOptions.Preset("FULL")!.Scale);
    }

    private static string[] Entries(string folder) =>
        Directory.EnumerateFileSystemEntries(folder).Select(e => Path.GetFileName(e)!).Order(StringComparer.Ordinal).ToArray();

    private sealed class Collect(Action<DiceMiniProgress> report) : IProgress<DiceMiniProgress>
    {
        public void Report(DiceMiniProgress value) => report(value);
    }

    private sealed class Exporter : IDiceMiniExporter
    {
        public bool FailClassifier { get; init; }

        public void ConvertStableDiffusion(string weightsFolder, string output) =>
            StableDiffusionConverter.Convert(StableDiffusionSource.FromDiffusersFolder(weightsFolder), output, new ConvertOptions());

        public void ExportClassifier(string weightsFile, AttributeClassifierConfig config, string onnxPath)
        {
            if (FailClassifier)
            {
                throw new InvalidOperationException("classifier export failed on purpose");
            }
            using var weights = SafetensorsWeightSource.Open(weightsFile);
            ClassifierExporter.Export(onnxPath, config, weights);
        }
    }
}
