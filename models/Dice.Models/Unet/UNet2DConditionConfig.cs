using System.Text.Json.Nodes;
using Dice.Models.Blocks;

namespace Dice.Models.Unet;

/// <summary>
/// The diffusers <c>UNet2DConditionModel</c> config (its <c>config.json</c>) for the SD1.x/SD2.x family. Values that
/// diffusers accepts per block or once for all (layers_per_block, attention_head_dim, cross_attention_dim,
/// transformer_layers_per_block) are held per down block, in down-block order.
/// </summary>
public sealed record UNet2DConditionConfig
{
    public const string ClassName = "UNet2DConditionModel";
    public const string CrossAttnDownBlock = "CrossAttnDownBlock2D";
    public const string DownBlock = "DownBlock2D";
    public const string CrossAttnUpBlock = "CrossAttnUpBlock2D";
    public const string UpBlock = "UpBlock2D";
    public const string CrossAttnMidBlock = "UNetMidBlock2DCrossAttn";

    public static IReadOnlyList<string> SupportedDownBlockTypes { get; } = [CrossAttnDownBlock, DownBlock];

    public static IReadOnlyList<string> SupportedUpBlockTypes { get; } = [CrossAttnUpBlock, UpBlock];

    /// <summary>Mid-block types; a null mid_block_type (no mid block) is supported too.</summary>
    public static IReadOnlyList<string> SupportedMidBlockTypes { get; } = [CrossAttnMidBlock];

    /// <summary>runwayml/stable-diffusion-v1-5's unet/config.json.</summary>
    public static UNet2DConditionConfig StableDiffusion15 { get; } = new()
    {
        SampleSize = 64,
        InChannels = 4,
        OutChannels = 4,
        FlipSinToCos = true,
        FreqShift = 0,
        DownBlockTypes = [CrossAttnDownBlock, CrossAttnDownBlock, CrossAttnDownBlock, DownBlock],
        MidBlockType = CrossAttnMidBlock,
        UpBlockTypes = [UpBlock, CrossAttnUpBlock, CrossAttnUpBlock, CrossAttnUpBlock],
        BlockOutChannels = [320, 640, 1280, 1280],
        LayersPerBlock = [2, 2, 2, 2],
        DownsamplePadding = 1,
        ActFn = "silu",
        NormNumGroups = 32,
        NormEps = 1e-5,
        CrossAttentionDim = [768, 768, 768, 768],
        TransformerLayersPerBlock = [1, 1, 1, 1],
        AttentionHeadDim = [8, 8, 8, 8],
        UseLinearProjection = false,
    };

    /// <summary>A small UNet with SD1.5's structure for tests: two levels (cross-attention, then plain), 8 groups.</summary>
    public static UNet2DConditionConfig Tiny(int crossAttentionDim = 16, bool useLinearProjection = false) => new()
    {
        SampleSize = 16,
        DownBlockTypes = [CrossAttnDownBlock, DownBlock],
        UpBlockTypes = [UpBlock, CrossAttnUpBlock],
        BlockOutChannels = [32, 64],
        LayersPerBlock = [2, 2],
        NormNumGroups = 8,
        CrossAttentionDim = [crossAttentionDim, crossAttentionDim],
        TransformerLayersPerBlock = [1, 1],
        AttentionHeadDim = [2, 2],
        UseLinearProjection = useLinearProjection,
    };

    /// <summary>Latent height and width the model was trained at (informational).</summary>
    public int? SampleSize { get; init; }

    public int InChannels { get; init; } = 4;

    public int OutChannels { get; init; } = 4;

    /// <summary>Maps the input sample from [0, 1] to [−1, 1] first (2x − 1).</summary>
    public bool CenterInputSample { get; init; }

    /// <summary>Puts the cosines before the sines in the sinusoidal timestep embedding.</summary>
    public bool FlipSinToCos { get; init; } = true;

    /// <summary>Frequencies are exp(−ln(10000)·i / (half − freq_shift)).</summary>
    public double FreqShift { get; init; }

    public IReadOnlyList<string> DownBlockTypes { get; init; } = [];

    /// <summary>"UNetMidBlock2DCrossAttn", or null for no mid block.</summary>
    public string? MidBlockType { get; init; } = CrossAttnMidBlock;

    public IReadOnlyList<string> UpBlockTypes { get; init; } = [];

    public IReadOnlyList<int> BlockOutChannels { get; init; } = [];

    /// <summary>Resnets per down block (up blocks have one more).</summary>
    public IReadOnlyList<int> LayersPerBlock { get; init; } = [];

    public int DownsamplePadding { get; init; } = 1;

    public string ActFn { get; init; } = "silu";

    public int NormNumGroups { get; init; } = 32;

    public double NormEps { get; init; } = 1e-5;

    /// <summary>Width of the encoder hidden states each block attends to.</summary>
    public IReadOnlyList<int> CrossAttentionDim { get; init; } = [];

    public IReadOnlyList<int> TransformerLayersPerBlock { get; init; } = [];

    /// <summary>
    /// Despite diffusers' name, the number of attention heads per block in the SD1.x/SD2.x configs (the head width is
    /// channels / heads); diffusers reads it the same way.
    /// </summary>
    public IReadOnlyList<int> AttentionHeadDim { get; init; } = [];

    /// <summary>proj_in/proj_out are Linear layers (SD2.x) instead of 1×1 convolutions (SD1.x).</summary>
    public bool UseLinearProjection { get; init; }

    /// <summary>Accepted for fidelity to the config; attention runs in the backend's compute type either way.</summary>
    public bool UpcastAttention { get; init; }

    public int BlockCount => BlockOutChannels.Count;

    /// <summary>Width of the time embedding: 4 × the first block's channels.</summary>
    public int TimeEmbedDim => BlockOutChannels[0] * 4;

    /// <summary>Width of the sinusoidal timestep features: the first block's channels.</summary>
    public int TimestepInputDim => BlockOutChannels[0];

    /// <summary>Spatial sizes of the input sample must be multiples of this (2^number of upsamplers).</summary>
    public int SpatialMultiple => 1 << (BlockCount - 1);

    public static UNet2DConditionConfig Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return FromJson(File.ReadAllText(path), path);
    }

    /// <summary>Parses a diffusers config.json; <paramref name="source"/> names it in errors.</summary>
    public static UNet2DConditionConfig FromJson(string json, string source) =>
        DiffusersConfigReader.Read(json, source, ClassName, Parse);

    private static UNet2DConditionConfig Parse(DiffusersConfigReader r)
    {
        RejectUnsupportedFeatures(r);
        var blockOut = r.RequiredInts("block_out_channels");
        int n = blockOut.Count;
        var config = new UNet2DConditionConfig
        {
            SampleSize = r.OptionalInt("sample_size"),
            InChannels = r.Int("in_channels", 4),
            OutChannels = r.Int("out_channels", 4),
            CenterInputSample = r.Bool("center_input_sample", false),
            FlipSinToCos = r.Bool("flip_sin_to_cos", true),
            FreqShift = r.Double("freq_shift", 0),
            DownBlockTypes = r.RequiredStrings("down_block_types"),
            MidBlockType = r.IsExplicitNull("mid_block_type") ? null : r.OptionalString("mid_block_type", CrossAttnMidBlock),
            UpBlockTypes = r.RequiredStrings("up_block_types"),
            BlockOutChannels = blockOut,
            LayersPerBlock = r.PerBlockInts("layers_per_block", n, 2),
            DownsamplePadding = r.Int("downsample_padding", 1),
            ActFn = r.OptionalString("act_fn", "silu")!,
            NormNumGroups = r.Int("norm_num_groups", 32),
            NormEps = r.Double("norm_eps", 1e-5),
            CrossAttentionDim = r.Has("cross_attention_dim")
                ? r.PerBlockInts("cross_attention_dim", n, 0)
                : throw r.Error("cross_attention_dim", "is missing (the width of the text encoder's hidden states; 768 for SD1.x)"),
            TransformerLayersPerBlock = r.PerBlockInts("transformer_layers_per_block", n, 1),
            AttentionHeadDim = r.PerBlockInts("attention_head_dim", n, 8),
            UseLinearProjection = r.Bool("use_linear_projection", false),
            UpcastAttention = r.Bool("upcast_attention", false),
        };
        config.Validate(r.Source);
        return config;
    }

    private static void RejectUnsupportedFeatures(DiffusersConfigReader r)
    {
        // Options of diffusers' UNet2DConditionModel that change the architecture away from SD1.x/SD2.x.
        foreach (var key in new[]
        {
            "num_attention_heads", "class_embed_type", "addition_embed_type", "addition_time_embed_dim", "encoder_hid_dim",
            "encoder_hid_dim_type", "num_class_embeds", "time_embedding_dim", "time_embedding_act_fn", "timestep_post_act",
            "time_cond_proj_dim", "projection_class_embeddings_input_dim", "cross_attention_norm",
            "reverse_transformer_layers_per_block", "mid_block_only_cross_attention",
        })
        {
            r.RequireDefault(key, [null]);
        }
        r.RequireDefault("time_embedding_type", "positional");
        r.RequireDefault("resnet_time_scale_shift", "default");
        r.RequireDefault("attention_type", "default");
        foreach (var key in new[] { "resnet_skip_time_act", "dual_cross_attention", "only_cross_attention", "class_embeddings_concat" })
        {
            r.RequireDefault(key, "false");
        }
        foreach (var key in new[] { "resnet_out_scale_factor", "mid_block_scale_factor" })
        {
            r.RequireDefault(key, "1", "1.0");
        }
        foreach (var key in new[] { "conv_in_kernel", "conv_out_kernel" })
        {
            r.RequireDefault(key, "3");
        }
    }

    /// <summary>Checks the config describes a model Dice can build; <paramref name="source"/> names it in errors.</summary>
    public void Validate(string source = "UNet2DConditionConfig")
    {
        int n = BlockCount;
        if (n == 0)
        {
            throw Invalid(source, "block_out_channels", "must list at least one block");
        }
        CheckCount(source, "down_block_types", DownBlockTypes.Count, n);
        CheckCount(source, "up_block_types", UpBlockTypes.Count, n);
        CheckCount(source, "layers_per_block", LayersPerBlock.Count, n);
        CheckCount(source, "cross_attention_dim", CrossAttentionDim.Count, n);
        CheckCount(source, "transformer_layers_per_block", TransformerLayersPerBlock.Count, n);
        CheckCount(source, "attention_head_dim", AttentionHeadDim.Count, n);
        CheckTypes(source, "down_block_types", DownBlockTypes, SupportedDownBlockTypes);
        CheckTypes(source, "up_block_types", UpBlockTypes, SupportedUpBlockTypes);
        if (MidBlockType is not null && !SupportedMidBlockTypes.Contains(MidBlockType))
        {
            throw Invalid(source, "mid_block_type", $"is '{MidBlockType}', which Dice does not support; supported: "
                + string.Join(", ", SupportedMidBlockTypes) + " or null");
        }
        if (ActFn != "silu")
        {
            throw Invalid(source, "act_fn", $"is '{ActFn}'; Dice supports silu only");
        }
        if (InChannels <= 0 || OutChannels <= 0 || NormNumGroups <= 0 || DownsamplePadding < 0)
        {
            throw Invalid(source, "in_channels", "in_channels, out_channels and norm_num_groups must be positive");
        }
        if (BlockOutChannels[0] % 2 != 0)
        {
            throw Invalid(source, "block_out_channels", $"starts with {BlockOutChannels[0]}; the timestep embedding needs an even width");
        }
        for (int i = 0; i < n; i++)
        {
            int channels = BlockOutChannels[i];
            if (channels <= 0 || channels % NormNumGroups != 0)
            {
                throw Invalid(source, "block_out_channels", $"has {channels}, which does not split into {NormNumGroups} groups (norm_num_groups)");
            }
            if (LayersPerBlock[i] <= 0 || TransformerLayersPerBlock[i] <= 0 || CrossAttentionDim[i] <= 0)
            {
                throw Invalid(source, "layers_per_block", "layers_per_block, transformer_layers_per_block and cross_attention_dim must be positive");
            }
            // Up block n-1-i and the mid block (for the last level) attend with these heads as well.
            if (AttentionHeadDim[i] <= 0 || channels % AttentionHeadDim[i] != 0)
            {
                throw Invalid(source, "attention_head_dim", $"is {AttentionHeadDim[i]} heads for block {i}, which does not divide its {channels} channels");
            }
        }
        if (LayersPerBlock.Any(l => l != LayersPerBlock[0]))
        {
            // diffusers' skip-channel arithmetic assumes every level has the same number of resnets.
            throw Invalid(source, "layers_per_block", "must be the same for every block");
        }
    }

    private static void CheckCount(string source, string key, int count, int blocks)
    {
        if (count != blocks)
        {
            throw Invalid(source, key, $"has {count} entries but block_out_channels has {blocks}");
        }
    }

    private static void CheckTypes(string source, string key, IReadOnlyList<string> types, IReadOnlyList<string> supported)
    {
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
        .Set("sample_size", SampleSize is int size ? JsonValue.Create(size) : null)
        .Set("in_channels", InChannels)
        .Set("out_channels", OutChannels)
        .Set("center_input_sample", CenterInputSample)
        .Set("flip_sin_to_cos", FlipSinToCos)
        .Set("freq_shift", FreqShift == Math.Floor(FreqShift) ? JsonValue.Create((int)FreqShift) : JsonValue.Create(FreqShift))
        .Set("down_block_types", DownBlockTypes)
        .Set("mid_block_type", MidBlockType)
        .Set("up_block_types", UpBlockTypes)
        .Set("block_out_channels", BlockOutChannels)
        .SetPerBlock("layers_per_block", LayersPerBlock)
        .Set("downsample_padding", DownsamplePadding)
        .Set("mid_block_scale_factor", 1)
        .Set("act_fn", ActFn)
        .Set("norm_num_groups", NormNumGroups)
        .Set("norm_eps", NormEps)
        .SetPerBlock("cross_attention_dim", CrossAttentionDim)
        .SetPerBlock("transformer_layers_per_block", TransformerLayersPerBlock)
        .SetPerBlock("attention_head_dim", AttentionHeadDim)
        .Set("use_linear_projection", UseLinearProjection)
        .Set("upcast_attention", UpcastAttention)
        .Set("only_cross_attention", false)
        .Set("dual_cross_attention", false)
        .Set("resnet_time_scale_shift", "default")
        .Set("time_embedding_type", "positional")
        .Set("conv_in_kernel", 3)
        .Set("conv_out_kernel", 3)
        .ToJson();
}
