using Dice.Models.Clip;

namespace Dice.Models.Tests;

public class ClipTextConfigTests
{
    private static string DataFile(string name) => Path.Combine(AppContext.BaseDirectory, "Data", "clip", name);

    [Fact]
    public void Reads_sd15_text_encoder_config_and_ignores_unknown_keys()
    {
        var config = ClipTextConfig.Load(DataFile("sd15-text-encoder-config.json"));
        Assert.Equal(ClipTextConfig.StableDiffusion15 with { BosTokenId = 0, EosTokenId = 2 }, config);
        Assert.Equal(64, config.HeadDim);
    }

    [Fact]
    public void StableDiffusion15_is_clip_vit_l14_text()
    {
        var c = ClipTextConfig.StableDiffusion15;
        Assert.Equal((49408, 768, 3072, 12, 12, 77), (c.VocabSize, c.HiddenSize, c.IntermediateSize, c.NumHiddenLayers, c.NumAttentionHeads,
            c.MaxPositionEmbeddings));
        Assert.Equal(ClipActivation.QuickGelu, c.HiddenAct);
        Assert.Equal(1e-5, c.LayerNormEps);
    }

    [Fact]
    public void Load_accepts_a_component_directory()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("config.json"), ClipTiny.Config.ToJson());
        Assert.Equal(ClipTiny.Config, ClipTextConfig.Load(dir.Path));
    }

    [Theory]
    [InlineData(ClipActivation.QuickGelu)]
    [InlineData(ClipActivation.Gelu)]
    public void Json_round_trips(ClipActivation activation)
    {
        var config = ClipTiny.Config with { HiddenAct = activation, LayerNormEps = 1e-6, PadTokenId = 7 };
        var json = config.ToJson();
        Assert.Equal(config, ClipTextConfig.FromJson(json, "test"));
        Assert.Contains("\"model_type\": \"clip_text_model\"", json, StringComparison.Ordinal);
        Assert.Contains(activation == ClipActivation.Gelu ? "\"gelu\"" : "\"quick_gelu\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Absent_optional_keys_take_transformers_defaults()
    {
        var config = ClipTextConfig.FromJson(
            """{"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1, "num_attention_heads": 4}""", "test");
        Assert.Equal(49408, config.VocabSize);
        Assert.Equal(77, config.MaxPositionEmbeddings);
        Assert.Equal(ClipActivation.QuickGelu, config.HiddenAct);
        Assert.Equal(1e-5, config.LayerNormEps);
        Assert.Equal((49406, 49407, 1), (config.BosTokenId, config.EosTokenId, config.PadTokenId));
    }

    [Fact]
    public void A_full_clip_config_is_read_through_its_text_config()
    {
        var config = ClipTextConfig.FromJson(
            """{"model_type": "clip", "projection_dim": 768, "text_config": {"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1, "num_attention_heads": 4, "hidden_act": "gelu"}, "vision_config": {"hidden_size": 1024}}""",
            "test");
        Assert.Equal(16, config.HiddenSize);
        Assert.Equal(ClipActivation.Gelu, config.HiddenAct);
    }

    [Theory]
    [InlineData("hidden_size")]
    [InlineData("intermediate_size")]
    [InlineData("num_hidden_layers")]
    [InlineData("num_attention_heads")]
    public void A_missing_required_key_is_named_with_the_file(string key)
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.json");
        File.WriteAllText(path, ClipTiny.Config.ToJson().Replace($"\"{key}\"", "\"renamed\"", StringComparison.Ordinal));
        var e = Assert.Throws<InvalidDataException>(() => ClipTextConfig.Load(path));
        Assert.Contains($"\"{key}\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("missing", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsupported_activation_is_named_with_its_value_and_file()
    {
        var json = ClipTiny.Config.ToJson().Replace("\"quick_gelu\"", "\"gelu_new\"", StringComparison.Ordinal);
        var e = Assert.Throws<InvalidDataException>(() => ClipTextConfig.FromJson(json, "/models/x/text_encoder/config.json"));
        Assert.Contains("hidden_act", e.Message, StringComparison.Ordinal);
        Assert.Contains("gelu_new", e.Message, StringComparison.Ordinal);
        Assert.Contains("/models/x/text_encoder/config.json", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"hidden_size\": \"768\"", "\"hidden_size\" must be an integer")]
    [InlineData("\"hidden_size\": 7.5", "\"hidden_size\" must be an integer")]
    [InlineData("\"hidden_size\": 9", "does not split into 2 attention heads")]
    [InlineData("\"num_hidden_layers\": 0", "\"num_hidden_layers\" must be positive")]
    [InlineData("\"layer_norm_eps\": -1", "\"layer_norm_eps\" must be a positive number")]
    [InlineData("\"hidden_act\": 3", "\"hidden_act\" must be a string")]
    public void Bad_values_are_named(string replacement, string expected)
    {
        var key = replacement[..replacement.IndexOf(':', StringComparison.Ordinal)];
        var lines = ClipTiny.Config.ToJson().Split('\n')
            .Select(l => l.TrimStart().StartsWith(key, StringComparison.Ordinal) ? "  " + replacement + (l.TrimEnd().EndsWith(',') ? "," : "") : l);
        var e = Assert.Throws<InvalidDataException>(() => ClipTextConfig.FromJson(string.Join('\n', lines), "cfg.json"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("cfg.json: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_json_is_a_clear_error()
    {
        var e = Assert.Throws<InvalidDataException>(() => ClipTextConfig.FromJson("{ hidden_size: ", "cfg.json"));
        Assert.Contains("cfg.json: not valid JSON", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => ClipTextConfig.FromJson("[1, 2]", "cfg.json"));
    }

    [Fact]
    public void A_missing_file_is_file_not_found()
    {
        using var dir = new TempDirectory();
        Assert.Throws<FileNotFoundException>(() => ClipTextConfig.Load(dir.Path));
    }

    [Fact]
    public void Building_a_model_validates_the_config()
    {
        var bad = ClipTiny.Config with { NumAttentionHeads = 3 };
        var e = Assert.Throws<ArgumentException>(() => ClipTiny.Parameters(bad));
        Assert.Contains("does not split into 3 attention heads", e.Message, StringComparison.Ordinal);
    }
}
