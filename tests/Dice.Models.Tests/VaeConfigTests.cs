using Dice.Models.Vae;

namespace Dice.Models.Tests;

public class VaeConfigTests
{
    /// <summary>runwayml/stable-diffusion-v1-5's vae/config.json as published (no scaling_factor: diffusers' default applies).</summary>
    private const string Sd15Json = """
        {
          "_class_name": "AutoencoderKL",
          "_diffusers_version": "0.6.0",
          "act_fn": "silu",
          "block_out_channels": [128, 256, 512, 512],
          "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"],
          "in_channels": 3,
          "latent_channels": 4,
          "layers_per_block": 2,
          "norm_num_groups": 32,
          "out_channels": 3,
          "sample_size": 512,
          "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"]
        }
        """;

    private static void AssertSameConfig(AutoencoderKLConfig expected, AutoencoderKLConfig actual)
    {
        Assert.Equal(expected.ToJson(), actual.ToJson());
        Assert.Equal(expected.BlockOutChannels, actual.BlockOutChannels);
        Assert.Equal(expected.DownBlockTypes, actual.DownBlockTypes);
        Assert.Equal(expected.UpBlockTypes, actual.UpBlockTypes);
        Assert.Equal(expected.LayersPerBlock, actual.LayersPerBlock);
        Assert.Equal(expected.LatentChannels, actual.LatentChannels);
        Assert.Equal(expected.NormNumGroups, actual.NormNumGroups);
        Assert.Equal(expected.ScalingFactor, actual.ScalingFactor);
        Assert.Equal(expected.ShiftFactor, actual.ShiftFactor);
        Assert.Equal(expected.SampleSize, actual.SampleSize);
    }

    [Fact]
    public void The_published_sd15_config_parses_to_StableDiffusion15()
    {
        var config = AutoencoderKLConfig.FromJson(Sd15Json, "vae/config.json");
        AssertSameConfig(AutoencoderKLConfig.StableDiffusion15, config);
        Assert.Equal(0.18215, config.ScalingFactor);
        Assert.Equal(8, config.DownscaleFactor);
    }

    [Fact]
    public void Written_sd15_config_round_trips()
    {
        var json = AutoencoderKLConfig.StableDiffusion15.ToJson();
        AssertSameConfig(AutoencoderKLConfig.StableDiffusion15, AutoencoderKLConfig.FromJson(json, "written"));
        Assert.Contains("\"scaling_factor\": 0.18215", json, StringComparison.Ordinal);
        Assert.Contains("\"_class_name\": \"AutoencoderKL\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Sdxl_style_values_parse()
    {
        var json = Sd15Json.Replace("\"act_fn\": \"silu\",",
            "\"act_fn\": \"silu\", \"scaling_factor\": 0.13025, \"force_upcast\": false, \"shift_factor\": null, \"latents_mean\": null,",
            StringComparison.Ordinal);
        var config = AutoencoderKLConfig.FromJson(json, "sdxl");
        Assert.Equal(0.13025, config.ScalingFactor);
        Assert.False(config.ForceUpcast);
        Assert.Null(config.ShiftFactor);
    }

    [Fact]
    public void An_unknown_block_type_is_named_with_the_supported_ones()
    {
        var json = Sd15Json.Replace("[\"UpDecoderBlock2D\", \"UpDecoderBlock2D\"", "[\"AttnUpDecoderBlock2D\", \"UpDecoderBlock2D\"",
            StringComparison.Ordinal);
        var e = Assert.Throws<InvalidDataException>(() => AutoencoderKLConfig.FromJson(json, "weights/vae/config.json"));
        Assert.Contains("weights/vae/config.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("up_block_types[0]", e.Message, StringComparison.Ordinal);
        Assert.Contains("AttnUpDecoderBlock2D", e.Message, StringComparison.Ordinal);
        Assert.Contains("supported: UpDecoderBlock2D", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("block_out_channels")]
    [InlineData("down_block_types")]
    [InlineData("up_block_types")]
    public void A_missing_required_key_is_named_with_the_file(string key)
    {
        var json = string.Join('\n', Sd15Json.Split('\n').Where(l => !l.TrimStart().StartsWith($"\"{key}\"", StringComparison.Ordinal)));
        var e = Assert.Throws<InvalidDataException>(() => AutoencoderKLConfig.FromJson(json, "/models/x/vae/config.json"));
        Assert.Contains($"'{key}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("missing", e.Message, StringComparison.Ordinal);
        Assert.Contains("/models/x/vae/config.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mismatched_block_counts_are_reported()
    {
        var json = Sd15Json.Replace("[128, 256, 512, 512]", "[128, 256, 512]", StringComparison.Ordinal);
        var e = Assert.Throws<InvalidDataException>(() => AutoencoderKLConfig.FromJson(json, "c.json"));
        Assert.Contains("'down_block_types'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_reads_a_file()
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.json");
        File.WriteAllText(path, AutoencoderKLConfig.Tiny().ToJson());
        AssertSameConfig(AutoencoderKLConfig.Tiny(), AutoencoderKLConfig.Load(path));
    }
}
