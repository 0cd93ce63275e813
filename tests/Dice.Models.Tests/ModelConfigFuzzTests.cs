using System.Text;
using Dice.Models.Clip;
using Dice.Models.Sharpener;
using Dice.Models.Unet;
using Dice.Models.Vae;
using Dice.Tests.Shared.Fuzzing;

namespace Dice.Models.Tests;

/// <summary>
/// Seeded fuzzing of the model configs read from model and checkpoint folders (the UNet's, the VAE's and the text
/// encoder's config.json, the sharpener's): every mutated config parses, or is refused with an
/// <see cref="InvalidDataException"/> naming the file, the one type the readers document for a bad config.
/// </summary>
public class ModelConfigFuzzTests
{
    public const int Iterations = 2000;

    public static TheoryData<string> Configs => ["unet", "vae", "text_encoder", "sharpener"];

    [Theory]
    [MemberData(nameof(Configs))]
    public void Mutated_configs_parse_or_are_refused_with_invalid_data(string config)
    {
        var (sample, read) = Reader(config);
        read(sample);

        var outcome = FuzzLoop.Run($"{config} config", Iterations, (seed, i) => TextMutator.Mutate(sample, seed, i),
            bytes => read(Encoding.UTF8.GetString(bytes)), typeof(InvalidDataException));

        Assert.True(outcome.Refused > 0 && outcome.Parsed > 0, $"{outcome}: the mutations should reach both outcomes");
    }

    [Theory]
    // Found by the fuzzer: JsonDocument reads a lone surrogate escape and throws InvalidOperationException only when
    // the string is read.
    [InlineData("unet", "{\"_class_name\": \"\\ud800\"}")]
    [InlineData("vae", "{\"_class_name\": \"\\udc00\"}")]
    [InlineData("text_encoder", "{\"hidden_act\": \"\\ud800\"}")]
    [InlineData("sharpener", "{\"embedding_dim\": \"\\ud800\"}")]
    public void A_string_that_is_not_valid_Unicode_is_refused_with_invalid_data(string config, string json)
    {
        var (_, read) = Reader(config);

        var e = Assert.Throws<InvalidDataException>(() => read(json));

        Assert.StartsWith("fuzz/config.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sharpener_config_that_lists_a_key_twice_is_refused_with_invalid_data()
    {
        // Found by the fuzzer: JsonObject threw ArgumentException for the repeated key.
        var e = Assert.Throws<InvalidDataException>(() => SharpenerConfig.FromJson("""{"embedding_dim": 768, "embedding_dim": 512}""", "fuzz/config.json"));

        Assert.Contains("more than once", e.Message, StringComparison.Ordinal);
    }

    private static (string Sample, Action<string> Read) Reader(string config) => config switch
    {
        "unet" => (UNet2DConditionConfig.Tiny().ToJson(), json => UNet2DConditionConfig.FromJson(json, "fuzz/config.json")),
        "vae" => (AutoencoderKLConfig.Tiny().ToJson(), json => AutoencoderKLConfig.FromJson(json, "fuzz/config.json")),
        "text_encoder" => (ClipTiny.Config.ToJson(), json => ClipTextConfig.FromJson(json, "fuzz/config.json")),
        "sharpener" => (new SharpenerConfig().ToJson(), json => SharpenerConfig.FromJson(json, "fuzz/config.json")),
        _ => throw new ArgumentOutOfRangeException(nameof(config), config, "no such config"),
    };
}
