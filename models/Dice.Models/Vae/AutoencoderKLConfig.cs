using System.Text.Json.Nodes;
using Dice.Models.Blocks;

namespace Dice.Models.Vae;

/// <summary>The diffusers <c>AutoencoderKL</c> config (its <c>config.json</c>), as SD1.x/SD2.x/SDXL use it.</summary>
public sealed record AutoencoderKLConfig
{
    public const string ClassName = "AutoencoderKL";
    public const string DownEncoderBlock = "DownEncoderBlock2D";
    public const string UpDecoderBlock = "UpDecoderBlock2D";

    /// <summary>The VAE's resnets and attention use this epsilon whatever the config says (diffusers hard-codes it).</summary>
    public const double NormEps = 1e-6;

    public static IReadOnlyList<string> SupportedDownBlockTypes { get; } = [DownEncoderBlock];

    public static IReadOnlyList<string> SupportedUpBlockTypes { get; } = [UpDecoderBlock];

    /// <summary>runwayml/stable-diffusion-v1-5's vae/config.json.</summary>
    public static AutoencoderKLConfig StableDiffusion15 { get; } = new()
    {
        InChannels = 3,
        OutChannels = 3,
        DownBlockTypes = [DownEncoderBlock, DownEncoderBlock, DownEncoderBlock, DownEncoderBlock],
        UpBlockTypes = [UpDecoderBlock, UpDecoderBlock, UpDecoderBlock, UpDecoderBlock],
        BlockOutChannels = [128, 256, 512, 512],
        LayersPerBlock = 2,
        ActFn = "silu",
        LatentChannels = 4,
        NormNumGroups = 32,
        SampleSize = 512,
        ScalingFactor = 0.18215,
    };

    /// <summary>A small VAE with SD1.5's structure for tests: four levels (8× down), 4 groups.</summary>
    public static AutoencoderKLConfig Tiny() => new()
    {
        DownBlockTypes = [DownEncoderBlock, DownEncoderBlock, DownEncoderBlock, DownEncoderBlock],
        UpBlockTypes = [UpDecoderBlock, UpDecoderBlock, UpDecoderBlock, UpDecoderBlock],
        BlockOutChannels = [8, 16, 32, 32],
        LayersPerBlock = 1,
        NormNumGroups = 4,
        SampleSize = 64,
    };

    public int InChannels { get; init; } = 3;

    public int OutChannels { get; init; } = 3;

    public IReadOnlyList<string> DownBlockTypes { get; init; } = [];

    public IReadOnlyList<string> UpBlockTypes { get; init; } = [];

    public IReadOnlyList<int> BlockOutChannels { get; init; } = [];

    /// <summary>Resnets per encoder block (decoder blocks have one more).</summary>
    public int LayersPerBlock { get; init; } = 1;

    public string ActFn { get; init; } = "silu";

    public int LatentChannels { get; init; } = 4;

    public int NormNumGroups { get; init; } = 32;

    /// <summary>Image height and width the model was trained at (informational).</summary>
    public int SampleSize { get; init; } = 32;

    /// <summary>Latents the UNet works on are the VAE's latents times this; the decoder's input is latents / scaling_factor.</summary>
    public double ScalingFactor { get; init; } = 0.18215;

    /// <summary>Subtracted before scaling (SD3/Flux VAEs); null for SD1.x.</summary>
    public double? ShiftFactor { get; init; }

    /// <summary>diffusers runs this VAE in float32 even in a float16 pipeline (informational).</summary>
    public bool ForceUpcast { get; init; } = true;

    public bool UseQuantConv { get; init; } = true;

    public bool UsePostQuantConv { get; init; } = true;

    public bool MidBlockAddAttention { get; init; } = true;

    public int BlockCount => BlockOutChannels.Count;

    /// <summary>How much the encoder shrinks an image (and the decoder grows latents): 2^(blocks − 1).</summary>
    public int DownscaleFactor => 1 << (BlockCount - 1);

    public static AutoencoderKLConfig Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return FromJson(File.ReadAllText(path), path);
    }

    /// <summary>Parses a diffusers config.json; <paramref name="source"/> names it in errors.</summary>
    public static AutoencoderKLConfig FromJson(string json, string source) =>
        DiffusersConfigReader.Read(json, source, ClassName, Parse);

    private static AutoencoderKLConfig Parse(DiffusersConfigReader r)
    {
        // latents_mean/latents_std (per-channel latent statistics) are the caller's business; no architecture change.
        r.RequireDefault("norm_type", "group");
        var config = new AutoencoderKLConfig
        {
            InChannels = r.Int("in_channels", 3),
            OutChannels = r.Int("out_channels", 3),
            DownBlockTypes = r.RequiredStrings("down_block_types"),
            UpBlockTypes = r.RequiredStrings("up_block_types"),
            BlockOutChannels = r.RequiredInts("block_out_channels"),
            LayersPerBlock = r.Int("layers_per_block", 1),
            ActFn = r.OptionalString("act_fn", "silu")!,
            LatentChannels = r.Int("latent_channels", 4),
            NormNumGroups = r.Int("norm_num_groups", 32),
            SampleSize = SampleSizeOf(r),
            ScalingFactor = r.Double("scaling_factor", 0.18215),
            ShiftFactor = r.OptionalDouble("shift_factor"),
            ForceUpcast = r.Bool("force_upcast", true),
            UseQuantConv = r.Bool("use_quant_conv", true),
            UsePostQuantConv = r.Bool("use_post_quant_conv", true),
            MidBlockAddAttention = r.Bool("mid_block_add_attention", true),
        };
        config.Validate(r.Source);
        return config;
    }

    /// <summary>sample_size is an int, or (in a few configs) a [height, width] list; the first is kept.</summary>
    private static int SampleSizeOf(DiffusersConfigReader r) =>
        r.Has("sample_size") && !r.IsList("sample_size") ? r.Int("sample_size", 32)
        : r.Has("sample_size") ? r.RequiredInts("sample_size")[0]
        : 32;

    /// <summary>Checks the config describes a model Dice can build; <paramref name="source"/> names it in errors.</summary>
    public void Validate(string source = "AutoencoderKLConfig")
    {
        int n = BlockCount;
        if (n == 0)
        {
            throw Invalid(source, "block_out_channels", "must list at least one block");
        }
        CheckBlocks(source, "down_block_types", DownBlockTypes, SupportedDownBlockTypes, n);
        CheckBlocks(source, "up_block_types", UpBlockTypes, SupportedUpBlockTypes, n);
        if (ActFn != "silu")
        {
            throw Invalid(source, "act_fn", $"is '{ActFn}'; Dice supports silu only");
        }
        if (InChannels <= 0 || OutChannels <= 0 || LatentChannels <= 0 || LayersPerBlock <= 0 || NormNumGroups <= 0)
        {
            throw Invalid(source, "layers_per_block",
                "in_channels, out_channels, latent_channels, layers_per_block and norm_num_groups must be positive");
        }
        foreach (int channels in BlockOutChannels)
        {
            if (channels <= 0 || channels % NormNumGroups != 0)
            {
                throw Invalid(source, "block_out_channels", $"has {channels}, which does not split into {NormNumGroups} groups (norm_num_groups)");
            }
        }
    }

    private static void CheckBlocks(string source, string key, IReadOnlyList<string> types, IReadOnlyList<string> supported, int blocks)
    {
        if (types.Count != blocks)
        {
            throw Invalid(source, key, $"has {types.Count} entries but block_out_channels has {blocks}");
        }
        for (int i = 0; i < types.Count; i++)
        {
            if (!supported.Contains(types[i]))
            {
                throw Invalid(source, $"{key}[{i}]", $"is '{types[i]}', which Dice does not support; supported: {string.Join(", ", supported)}");
            }
        }
    }

    private static InvalidDataException Invalid(string source, string key, string message) => new($"{source}: '{key}' {message}");

    /// <summary>The diffusers config.json for this model.</summary>
    public string ToJson() => new DiffusersConfigWriter(ClassName)
        .Set("in_channels", InChannels)
        .Set("out_channels", OutChannels)
        .Set("down_block_types", DownBlockTypes)
        .Set("up_block_types", UpBlockTypes)
        .Set("block_out_channels", BlockOutChannels)
        .Set("layers_per_block", LayersPerBlock)
        .Set("act_fn", ActFn)
        .Set("latent_channels", LatentChannels)
        .Set("norm_num_groups", NormNumGroups)
        .Set("sample_size", SampleSize)
        .Set("scaling_factor", ScalingFactor)
        .Set("shift_factor", ShiftFactor is double shift ? JsonValue.Create(shift) : null)
        .Set("force_upcast", ForceUpcast)
        .Set("use_quant_conv", UseQuantConv)
        .Set("use_post_quant_conv", UsePostQuantConv)
        .Set("mid_block_add_attention", MidBlockAddAttention)
        .ToJson();
}
