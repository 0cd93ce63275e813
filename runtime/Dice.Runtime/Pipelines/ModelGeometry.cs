using System.Text.Json;
using Dice.Core.ModelFolders;

namespace Dice.Runtime.Pipelines;

/// <summary>
/// The sizes of a model folder's networks, read from its config.json files without loading any session: what image
/// sizes it takes and what a request costs in memory (<see cref="GenerationMemory"/>). Absent keys take diffusers'
/// defaults (SD's); a key of the wrong type is an <see cref="InvalidDataException"/> naming the file and the key.
/// </summary>
public sealed record ModelGeometry
{
    /// <summary>One UNet level with attention: its latent downscale (1, 2, 4, …) and attention heads.</summary>
    public readonly record struct AttentionLevel(int Downscale, int Heads);

    /// <summary>Channels of the latents (the VAE's latent_channels, 4 for SD).</summary>
    public int LatentChannels { get; init; } = 4;

    /// <summary>Pixels per latent cell: 2^(VAE levels − 1), 8 for SD.</summary>
    public int VaeFactor { get; init; } = 8;

    /// <summary>Latent sizes must be multiples of this: 2^(UNet levels − 1).</summary>
    public int LatentMultiple { get; init; } = 8;

    /// <summary>The UNet's sample_size in latent cells (the default image is this × <see cref="VaeFactor"/>).</summary>
    public int SampleSize { get; init; } = 64;

    public double ScalingFactor { get; init; } = 0.18215;

    /// <summary>The UNet levels (down blocks and the mid block) that hold attention.</summary>
    public IReadOnlyList<AttentionLevel> UnetAttention { get; init; } = [];

    /// <summary>Tokens of a text embedding (the tokenizer's model_max_length, 77 for CLIP): the cross-attention's key length.</summary>
    public int SequenceLength { get; init; } = 77;

    /// <summary>The VAE's block_out_channels, from the full-resolution level down.</summary>
    public IReadOnlyList<int> VaeChannels { get; init; } = [128, 256, 512, 512];

    /// <summary>The VAE's mid block has self-attention (mid_block_add_attention, true by default).</summary>
    public bool VaeMidAttention { get; init; } = true;

    /// <summary>Pixels both sides of an image must be a multiple of.</summary>
    public int PixelMultiple => VaeFactor * LatentMultiple;

    public int DefaultHeight => SampleSize * VaeFactor;

    public int DefaultWidth => SampleSize * VaeFactor;

    /// <summary>Reads the geometry of <paramref name="folder"/> from unet/, vae_decoder/ and tokenizer/ configs.</summary>
    public static ModelGeometry Read(OnnxModelFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        using var unet = ConfigFile.Open(folder.ConfigPath(OnnxModelFolder.Unet));
        using var vae = ConfigFile.Open(folder.ConfigPath(OnnxModelFolder.VaeDecoder));
        using var tokenizer = ConfigFile.Open(Path.Combine(folder.Root, "tokenizer", "tokenizer_config.json"));

        var vaeChannels = vae.Ints("block_out_channels") ?? [128, 256, 512, 512];
        var unetChannels = unet.Ints("block_out_channels") ?? [320, 640, 1280, 1280];
        var levels = unetChannels.Count;
        var downBlocks = unet.Strings("down_block_types")
            ?? ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"];
        // diffusers: num_attention_heads, else attention_head_dim (which SD configs use to mean heads), per block or once.
        var heads = unet.PerBlockInts("num_attention_heads", levels) ?? unet.PerBlockInts("attention_head_dim", levels)
            ?? Enumerable.Repeat(8, levels).ToList();
        var attention = new List<AttentionLevel>();
        for (var i = 0; i < Math.Min(downBlocks.Count, heads.Count); i++)
        {
            if (downBlocks[i].Contains("Attn", StringComparison.Ordinal))
            {
                attention.Add(new AttentionLevel(1 << Math.Min(i, 30), heads[i]));
            }
        }
        if ((unet.String("mid_block_type") ?? "UNetMidBlock2DCrossAttn").Contains("Attn", StringComparison.Ordinal) && heads.Count > 0)
        {
            attention.Add(new AttentionLevel(1 << Math.Min(Math.Max(0, levels - 1), 30), heads[^1]));
        }
        var maxLength = tokenizer.Number("model_max_length");
        return new ModelGeometry
        {
            LatentChannels = (int)(vae.Number("latent_channels") ?? unet.Number("in_channels") ?? 4),
            VaeFactor = 1 << Math.Clamp(vaeChannels.Count - 1, 0, 30),
            LatentMultiple = 1 << Math.Clamp(levels - 1, 0, 30),
            SampleSize = (int)(unet.Number("sample_size") ?? 64),
            ScalingFactor = vae.Number("scaling_factor") ?? 0.18215,
            UnetAttention = attention,
            SequenceLength = maxLength is > 0 and <= 1e6 ? (int)maxLength.Value : 77,
            VaeChannels = vaeChannels,
            VaeMidAttention = vae.Bool("mid_block_add_attention") ?? true,
        };
    }

    /// <summary>A config.json, or nothing when the file is absent (every key then takes its default).</summary>
    private sealed class ConfigFile : IDisposable
    {
        private readonly string path;
        private readonly JsonDocument? document;

        private ConfigFile(string path, JsonDocument? document)
        {
            this.path = path;
            this.document = document;
        }

        public static ConfigFile Open(string path)
        {
            if (!File.Exists(path))
            {
                return new ConfigFile(path, null);
            }
            try
            {
                var document = JsonDocument.Parse(File.ReadAllText(path));
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    document.Dispose();
                    throw new InvalidDataException($"{path}: a config must be a JSON object");
                }
                return new ConfigFile(path, document);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}: not valid JSON ({e.Message})", e);
            }
        }

        private JsonElement? Get(string key) =>
            document is not null && document.RootElement.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

        private InvalidDataException Wrong(string key, string expected, JsonElement value) =>
            new($"{path}: '{key}' must be {expected}, not {value.GetRawText()}");

        public double? Number(string key) => Get(key) switch
        {
            null => null,
            { ValueKind: JsonValueKind.Number } v when double.IsFinite(v.GetDouble()) => v.GetDouble(),
            { } v => throw Wrong(key, "a number", v),
        };

        public bool? Bool(string key) => Get(key) switch
        {
            null => null,
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.False } => false,
            { } v => throw Wrong(key, "true or false", v),
        };

        public string? String(string key) => Get(key) switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } v => v.GetString(),
            { } v => throw Wrong(key, "a string", v),
        };

        public List<string>? Strings(string key) => Get(key) switch
        {
            null => null,
            { ValueKind: JsonValueKind.Array } v when v.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
                v.EnumerateArray().Select(e => e.GetString()!).ToList(),
            { } v => throw Wrong(key, "a list of strings", v),
        };

        public List<int>? Ints(string key) => Get(key) switch
        {
            null => null,
            { ValueKind: JsonValueKind.Array } v when v.GetArrayLength() > 0 && v.EnumerateArray().All(IsPositiveInt) =>
                v.EnumerateArray().Select(e => e.GetInt32()).ToList(),
            { } v => throw Wrong(key, "a non-empty list of positive whole numbers", v),
        };

        /// <summary>A positive whole number given once for all <paramref name="count"/> blocks, or a list of one per block.</summary>
        public List<int>? PerBlockInts(string key, int count) => Get(key) switch
        {
            null => null,
            { } v when IsPositiveInt(v) => Enumerable.Repeat(v.GetInt32(), count).ToList(),
            { ValueKind: JsonValueKind.Array } v when v.GetArrayLength() == count && v.EnumerateArray().All(IsPositiveInt) =>
                v.EnumerateArray().Select(e => e.GetInt32()).ToList(),
            { } v => throw Wrong(key, $"a positive whole number or a list of {count}", v),
        };

        private static bool IsPositiveInt(JsonElement e) => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var i) && i > 0;

        public void Dispose() => document?.Dispose();
    }
}
