using System.Text.Json.Nodes;
using Dice.Benchmarks;
using Dice.Models;
using Dice.Models.Sharpener;
using Dice.Models.Weights;
using Dice.Safetensors;

namespace Dice.Benchmarks.Tests;

public sealed class RandomSharpenerFolderTests
{
    [Fact]
    public void Sd15_width_gives_the_reference_1_836_800_parameters_under_the_definitions_names_and_shapes()
    {
        using var directory = new TempDirectory();
        var folder = directory.File("sharpener");
        var config = new SharpenerConfig(EmbeddingDim: 768);

        var count = RandomSharpenerFolder.Create(folder, config, seed: 3);

        Assert.Equal(1_836_800, count);
        Assert.Equal(["config.json", "sharpener.safetensors"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(config, SharpenerConfig.Load(folder));
        // Strict validation against the model definition: no missing, unexpected or misshaped tensor.
        using var source = WeightSource.Open(Path.Combine(folder, RandomSharpenerFolder.WeightsFile),
            ops => _ = new DiceSharpener<ParameterInventory.Declared>(ops, config));
        Assert.Equal(
            ["attention.to_k.weight", "attention.to_out.0.bias", "attention.to_out.0.weight", "attention.to_q.weight", "attention.to_v.weight",
             "fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight"],
            source.Bindings.Select(b => b.ModelName).Order(StringComparer.Ordinal));
        Assert.Equal(count, RandomSharpenerFolder.Parameters(config).Sum(p => p.ElementCount));
        var extra = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!;
        Assert.True(extra["random_weights"]!.GetValue<bool>());
    }

    [Fact]
    public void Values_are_small_finite_seeded_and_within_each_parameters_declared_bound()
    {
        using var directory = new TempDirectory();
        var config = new SharpenerConfig(EmbeddingDim: 24, InnerDim: 16, Heads: 4);
        RandomSharpenerFolder.Create(directory.File("a"), config, seed: 1);
        RandomSharpenerFolder.Create(directory.File("b"), config, seed: 1);
        RandomSharpenerFolder.Create(directory.File("c"), config, seed: 2);
        byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(directory.File(name), RandomSharpenerFolder.WeightsFile));
        Assert.Equal(Bytes("a"), Bytes("b"));
        Assert.NotEqual(Bytes("a"), Bytes("c"));

        using var file = SafetensorsFile.Open(Path.Combine(directory.File("a"), RandomSharpenerFolder.WeightsFile));
        foreach (var parameter in RandomSharpenerFolder.Parameters(config))
        {
            var values = new float[parameter.ElementCount];
            file.ReadFloat32(parameter.Name, values);
            var bound = parameter.Init.Kind == InitKind.Uniform ? parameter.Init.Scale : 0;
            Assert.All(values, v => Assert.True(float.IsFinite(v) && Math.Abs(v) <= bound + 1e-7, $"{parameter.Name}: {v} outside ±{bound}"));
            Assert.Contains(values, v => v != 0);
        }
    }

    [Fact]
    public void Rewriting_replaces_the_folder_and_leaves_no_staging_folder()
    {
        using var directory = new TempDirectory();
        var folder = directory.File("s");
        RandomSharpenerFolder.Create(folder, new SharpenerConfig(EmbeddingDim: 8, InnerDim: 8, Heads: 2));
        File.WriteAllText(Path.Combine(folder, "stale.txt"), "x");
        RandomSharpenerFolder.Create(folder, new SharpenerConfig(EmbeddingDim: 12, InnerDim: 8, Heads: 2));
        Assert.Equal(12, SharpenerConfig.Load(folder).EmbeddingDim);
        Assert.False(File.Exists(Path.Combine(folder, "stale.txt")));
        Assert.Equal(["s"], directory.FileNames());
    }

    [Fact]
    public void Command_checks_its_arguments_and_writes_a_folder_sized_for_a_model()
    {
        using var directory = new TempDirectory();
        var model = Directory.CreateDirectory(directory.File("model/text_encoder")).Parent!.FullName;
        File.WriteAllText(directory.File("model/text_encoder/config.json"),
            """{ "hidden_size": 40, "intermediate_size": 80, "num_hidden_layers": 1, "num_attention_heads": 2, "vocab_size": 100, "max_position_embeddings": 77 }""");
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(2, RandomSharpenerCommand.Run(["--out", directory.File("x")], output, error));
        Assert.Equal(2, RandomSharpenerCommand.Run(["--out", directory.File("x"), "--model", model, "--embedding-dim", "8"], output, error));
        Assert.Equal(2, RandomSharpenerCommand.Run(["--out", directory.File("x"), "--embedding-dim", "eight"], output, error));
        Assert.Equal(2, RandomSharpenerCommand.Run(["--bogus", "1"], output, error));
        Assert.False(Directory.Exists(directory.File("x")));

        Assert.Equal(0, RandomSharpenerCommand.Run(["--out", directory.File("s"), "--model", model, "--inner-dim", "32", "--heads", "4"], output, error));
        Assert.Equal(new SharpenerConfig(40, 32, 4), SharpenerConfig.Load(directory.File("s")));
    }
}
