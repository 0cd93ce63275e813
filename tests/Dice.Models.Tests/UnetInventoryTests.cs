using Dice.Models.Unet;

namespace Dice.Models.Tests;

public class UnetInventoryTests
{
    private static IReadOnlyList<ParameterSpec> Declare(UNet2DConditionConfig config, string name = "") =>
        ParameterInventory.Of(ops => _ = new UNet2DConditionModel<ParameterInventory.Declared>(ops, config, name));

    [Fact]
    public void Sd15_unet_declares_exactly_the_reference_names_and_shapes()
    {
        var reference = BlocksReferenceKeys.Read("sd15-unet-keys.txt");
        var declared = Declare(UNet2DConditionConfig.StableDiffusion15);

        BlocksReferenceKeys.AssertSameAs(reference, declared);
        Assert.Equal(686, declared.Count);
        Assert.Equal(859_520_964L, declared.Sum(p => p.ElementCount));
        Assert.Equal(859_520_964L, BlocksReferenceKeys.Total(reference.Values));
    }

    [Fact]
    public void Sd21_style_unet_has_linear_projections_per_block_heads_and_the_published_size()
    {
        // stabilityai/stable-diffusion-2-1: heads [5, 10, 20, 20], 1024-wide text states, linear proj_in/proj_out.
        var config = UNet2DConditionConfig.StableDiffusion15 with
        {
            AttentionHeadDim = [5, 10, 20, 20],
            CrossAttentionDim = [1024, 1024, 1024, 1024],
            UseLinearProjection = true,
            SampleSize = 96,
        };
        var declared = Declare(config).ToDictionary(p => p.Name);

        Assert.Equal(865_910_724L, declared.Values.Sum(p => p.ElementCount));
        Assert.Equal([320L, 320], declared["down_blocks.0.attentions.0.proj_in.weight"].Shape);
        Assert.Equal([1280L, 1280], declared["mid_block.attentions.0.proj_out.weight"].Shape);
        Assert.Equal([640L, 1024], declared["up_blocks.2.attentions.1.transformer_blocks.0.attn2.to_k.weight"].Shape);
    }

    [Fact]
    public void A_prefix_goes_before_every_name()
    {
        var declared = Declare(UNet2DConditionConfig.Tiny(), "unet");
        Assert.All(declared, p => Assert.StartsWith("unet.", p.Name, StringComparison.Ordinal));
        Assert.Contains(declared, p => p.Name == "unet.time_embedding.linear_1.weight");
    }

    [Fact]
    public void Tiny_unet_mirrors_the_sd15_layout()
    {
        var declared = Declare(UNet2DConditionConfig.Tiny()).ToDictionary(p => p.Name);

        Assert.Equal([128L, 32], declared["time_embedding.linear_1.weight"].Shape);
        Assert.Equal([64L, 128], declared["down_blocks.1.resnets.0.time_emb_proj.weight"].Shape);
        Assert.Equal([32L, 16], declared["down_blocks.0.attentions.1.transformer_blocks.0.attn2.to_k.weight"].Shape);
        Assert.Equal([256L, 32], declared["down_blocks.0.attentions.0.transformer_blocks.0.ff.net.0.proj.weight"].Shape);
        Assert.False(declared.ContainsKey("down_blocks.1.downsamplers.0.conv.weight"));
        Assert.False(declared.ContainsKey("down_blocks.1.attentions.0.norm.weight"));
        Assert.Equal([64L, 128, 1, 1], declared["up_blocks.0.resnets.0.conv_shortcut.weight"].Shape);
        Assert.Equal([64L, 96, 1, 1], declared["up_blocks.0.resnets.2.conv_shortcut.weight"].Shape);
        Assert.Equal([32L, 96, 1, 1], declared["up_blocks.1.resnets.0.conv_shortcut.weight"].Shape);
        Assert.Equal([32L, 64, 1, 1], declared["up_blocks.1.resnets.2.conv_shortcut.weight"].Shape);
        Assert.True(declared.ContainsKey("up_blocks.0.upsamplers.0.conv.weight"));
        Assert.False(declared.ContainsKey("up_blocks.1.upsamplers.0.conv.weight"));
        Assert.True(declared.ContainsKey("up_blocks.1.attentions.2.proj_out.weight"));
    }

    [Fact]
    public void Norms_start_at_identity_and_convolutions_use_fan_in()
    {
        var declared = Declare(UNet2DConditionConfig.Tiny()).ToDictionary(p => p.Name);
        Assert.Equal(ParameterInit.Ones, declared["conv_norm_out.weight"].Init);
        Assert.Equal(ParameterInit.Zeros, declared["mid_block.attentions.0.transformer_blocks.0.norm3.bias"].Init);
        Assert.Equal(ParameterInit.FanIn(4 * 3 * 3), declared["conv_in.weight"].Init);
    }

    [Fact]
    public void A_model_without_mid_block_skips_it()
    {
        var declared = Declare(UNet2DConditionConfig.Tiny() with { MidBlockType = null });
        Assert.DoesNotContain(declared, p => p.Name.StartsWith("mid_block.", StringComparison.Ordinal));
        Assert.Contains(declared, p => p.Name.StartsWith("up_blocks.0.", StringComparison.Ordinal));
    }
}
