using Dice.Models.Unet;

namespace Dice.Models.Tests;

public class UnetConfigTests
{
    /// <summary>runwayml/stable-diffusion-v1-5's unet/config.json as published (diffusers 0.6.0: several keys absent).</summary>
    private const string Sd15Json = """
        {
          "_class_name": "UNet2DConditionModel",
          "_diffusers_version": "0.6.0",
          "act_fn": "silu",
          "attention_head_dim": 8,
          "block_out_channels": [320, 640, 1280, 1280],
          "center_input_sample": false,
          "cross_attention_dim": 768,
          "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
          "downsample_padding": 1,
          "flip_sin_to_cos": true,
          "freq_shift": 0,
          "in_channels": 4,
          "layers_per_block": 2,
          "mid_block_scale_factor": 1,
          "norm_eps": 1e-05,
          "norm_num_groups": 32,
          "out_channels": 4,
          "sample_size": 64,
          "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"]
        }
        """;

    private static void AssertSameConfig(UNet2DConditionConfig expected, UNet2DConditionConfig actual)
    {
        Assert.Equal(expected.ToJson(), actual.ToJson());
        Assert.Equal(expected.BlockOutChannels, actual.BlockOutChannels);
        Assert.Equal(expected.DownBlockTypes, actual.DownBlockTypes);
        Assert.Equal(expected.UpBlockTypes, actual.UpBlockTypes);
        Assert.Equal(expected.MidBlockType, actual.MidBlockType);
        Assert.Equal(expected.AttentionHeadDim, actual.AttentionHeadDim);
        Assert.Equal(expected.CrossAttentionDim, actual.CrossAttentionDim);
        Assert.Equal(expected.LayersPerBlock, actual.LayersPerBlock);
        Assert.Equal(expected.TransformerLayersPerBlock, actual.TransformerLayersPerBlock);
        Assert.Equal(expected.NormEps, actual.NormEps);
        Assert.Equal(expected.NormNumGroups, actual.NormNumGroups);
        Assert.Equal(expected.FlipSinToCos, actual.FlipSinToCos);
        Assert.Equal(expected.FreqShift, actual.FreqShift);
        Assert.Equal(expected.UseLinearProjection, actual.UseLinearProjection);
        Assert.Equal(expected.SampleSize, actual.SampleSize);
        Assert.Equal(expected.InChannels, actual.InChannels);
        Assert.Equal(expected.OutChannels, actual.OutChannels);
    }

    [Fact]
    public void The_published_sd15_config_parses_to_StableDiffusion15()
    {
        AssertSameConfig(UNet2DConditionConfig.StableDiffusion15, UNet2DConditionConfig.FromJson(Sd15Json, "unet/config.json"));
    }

    [Fact]
    public void Written_sd15_config_round_trips()
    {
        var json = UNet2DConditionConfig.StableDiffusion15.ToJson();
        AssertSameConfig(UNet2DConditionConfig.StableDiffusion15, UNet2DConditionConfig.FromJson(json, "written"));
        Assert.Contains("\"_class_name\": \"UNet2DConditionModel\"", json, StringComparison.Ordinal);
        Assert.Contains("\"attention_head_dim\": 8,", json, StringComparison.Ordinal);
        Assert.Contains("\"cross_attention_dim\": 768,", json, StringComparison.Ordinal);
        Assert.EndsWith("}\n", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Per_block_lists_round_trip_as_lists()
    {
        var config = UNet2DConditionConfig.StableDiffusion15 with { AttentionHeadDim = [5, 10, 20, 20], UseLinearProjection = true };
        var json = config.ToJson();
        Assert.Contains("\"attention_head_dim\": [", json, StringComparison.Ordinal);
        AssertSameConfig(config, UNet2DConditionConfig.FromJson(json, "written"));
    }

    [Fact]
    public void Sd21_style_values_parse()
    {
        var json = Sd15Json
            .Replace("\"attention_head_dim\": 8", "\"attention_head_dim\": [5, 10, 20, 20]", StringComparison.Ordinal)
            .Replace("\"cross_attention_dim\": 768", "\"cross_attention_dim\": 1024, \"use_linear_projection\": true, \"upcast_attention\": true, "
                + "\"dual_cross_attention\": false, \"num_class_embeds\": null, \"only_cross_attention\": false, \"resnet_time_scale_shift\": \"default\"",
                StringComparison.Ordinal);
        var config = UNet2DConditionConfig.FromJson(json, "sd21");
        Assert.Equal([5, 10, 20, 20], config.AttentionHeadDim);
        Assert.Equal([1024, 1024, 1024, 1024], config.CrossAttentionDim);
        Assert.True(config.UseLinearProjection);
        Assert.True(config.UpcastAttention);
    }

    [Fact]
    public void Missing_keys_with_diffusers_defaults_take_them()
    {
        var config = UNet2DConditionConfig.FromJson("""
            {
              "block_out_channels": [32, 64],
              "down_block_types": ["CrossAttnDownBlock2D", "DownBlock2D"],
              "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"],
              "cross_attention_dim": 16
            }
            """, "minimal.json");
        Assert.Equal(4, config.InChannels);
        Assert.Equal(4, config.OutChannels);
        Assert.Equal([2, 2], config.LayersPerBlock);
        Assert.Equal([8, 8], config.AttentionHeadDim);
        Assert.Equal(UNet2DConditionConfig.CrossAttnMidBlock, config.MidBlockType);
        Assert.Equal(32, config.NormNumGroups);
        Assert.Equal(1e-5, config.NormEps);
        Assert.True(config.FlipSinToCos);
        Assert.Null(config.SampleSize);
    }

    [Fact]
    public void An_explicit_null_mid_block_type_means_no_mid_block()
    {
        var config = UNet2DConditionConfig.FromJson(Sd15Json.Replace("\"act_fn\"", "\"mid_block_type\": null, \"act_fn\"", StringComparison.Ordinal), "x");
        Assert.Null(config.MidBlockType);
    }

    [Fact]
    public void An_unknown_block_type_is_named_with_the_supported_ones()
    {
        var json = Sd15Json.Replace("[\"CrossAttnDownBlock2D\", \"CrossAttnDownBlock2D\"", "[\"SimpleCrossAttnDownBlock2D\", \"CrossAttnDownBlock2D\"",
            StringComparison.Ordinal);
        var e = Assert.Throws<InvalidDataException>(() => UNet2DConditionConfig.FromJson(json, "weights/unet/config.json"));
        Assert.Contains("weights/unet/config.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("down_block_types[0]", e.Message, StringComparison.Ordinal);
        Assert.Contains("SimpleCrossAttnDownBlock2D", e.Message, StringComparison.Ordinal);
        Assert.Contains("CrossAttnDownBlock2D, DownBlock2D", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_mid_block_type_is_named()
    {
        var json = Sd15Json.Replace("\"act_fn\"", "\"mid_block_type\": \"UNetMidBlock2DSimpleCrossAttn\", \"act_fn\"", StringComparison.Ordinal);
        var e = Assert.Throws<InvalidDataException>(() => UNet2DConditionConfig.FromJson(json, "c.json"));
        Assert.Contains("UNetMidBlock2DSimpleCrossAttn", e.Message, StringComparison.Ordinal);
        Assert.Contains(UNet2DConditionConfig.CrossAttnMidBlock, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("block_out_channels")]
    [InlineData("down_block_types")]
    [InlineData("up_block_types")]
    [InlineData("cross_attention_dim")]
    public void A_missing_required_key_is_named_with_the_file(string key)
    {
        var lines = Sd15Json.Split('\n').Where(l => !l.TrimStart().StartsWith($"\"{key}\"", StringComparison.Ordinal));
        var json = string.Join('\n', lines);
        var e = Assert.Throws<InvalidDataException>(() => UNet2DConditionConfig.FromJson(json, "/models/x/unet/config.json"));
        Assert.Contains($"'{key}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("missing", e.Message, StringComparison.Ordinal);
        Assert.Contains("/models/x/unet/config.json", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"class_embed_type\": \"timestep\"", "class_embed_type")]
    [InlineData("\"addition_embed_type\": \"text_time\"", "addition_embed_type")]
    [InlineData("\"resnet_time_scale_shift\": \"scale_shift\"", "resnet_time_scale_shift")]
    [InlineData("\"num_attention_heads\": 8", "num_attention_heads")]
    [InlineData("\"conv_in_kernel\": 7", "conv_in_kernel")]
    [InlineData("\"act_fn\": \"gelu\"", "act_fn")]
    public void Unsupported_architecture_options_are_named(string entry, string key)
    {
        var json = Sd15Json.Replace("\"act_fn\": \"silu\",", entry + ",", StringComparison.Ordinal);
        if (key != "act_fn")
        {
            json = Sd15Json.Replace("\"act_fn\": \"silu\",", $"\"act_fn\": \"silu\", {entry},", StringComparison.Ordinal);
        }
        var e = Assert.Throws<InvalidDataException>(() => UNet2DConditionConfig.FromJson(json, "c.json"));
        Assert.Contains($"'{key}'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"layers_per_block\": 2", "\"layers_per_block\": \"two\"", "layers_per_block")]
    [InlineData("\"attention_head_dim\": 8", "\"attention_head_dim\": [8, 8]", "attention_head_dim")]
    [InlineData("\"attention_head_dim\": 8", "\"attention_head_dim\": 7", "attention_head_dim")]
    [InlineData("\"norm_num_groups\": 32", "\"norm_num_groups\": 48", "block_out_channels")]
    [InlineData("\"flip_sin_to_cos\": true", "\"flip_sin_to_cos\": 1", "flip_sin_to_cos")]
    public void Bad_values_are_named(string from, string to, string key)
    {
        var e = Assert.Throws<InvalidDataException>(() => UNet2DConditionConfig.FromJson(Sd15Json.Replace(from, to, StringComparison.Ordinal), "c.json"));
        Assert.Contains($"'{key}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("c.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_class_and_invalid_json_are_reported()
    {
        var other = Assert.Throws<InvalidDataException>(() => UNet2DConditionConfig.FromJson(
            Sd15Json.Replace("\"UNet2DConditionModel\"", "\"UNet2DModel\"", StringComparison.Ordinal), "c.json"));
        Assert.Contains("UNet2DModel", other.Message, StringComparison.Ordinal);
        var broken = Assert.Throws<InvalidDataException>(() => UNet2DConditionConfig.FromJson("{ \"in_channels\": ", "broken.json"));
        Assert.Contains("broken.json", broken.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_reads_a_file_and_names_it_in_errors()
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.json");
        File.WriteAllText(path, UNet2DConditionConfig.Tiny().ToJson());
        AssertSameConfig(UNet2DConditionConfig.Tiny(), UNet2DConditionConfig.Load(path));

        File.WriteAllText(path, "{}");
        var e = Assert.Throws<InvalidDataException>(() => UNet2DConditionConfig.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }
}
