using Dice.Models.Vae;

namespace Dice.Models.Tests;

public class VaeInventoryTests
{
    private static readonly AutoencoderKLConfig Sd15 = AutoencoderKLConfig.StableDiffusion15;

    [Fact]
    public void Sd15_vae_declares_exactly_the_reference_names_and_shapes()
    {
        var reference = BlocksReferenceKeys.Read("sd15-vae-keys.txt");
        var declared = ParameterInventory.Of(ops => _ = new AutoencoderKL<ParameterInventory.Declared>(ops, Sd15));

        BlocksReferenceKeys.AssertSameAs(reference, declared);
        Assert.Equal(248, declared.Count);
        Assert.Equal(83_653_863L, declared.Sum(p => p.ElementCount));
        Assert.Equal(83_653_863L, BlocksReferenceKeys.Total(reference.Values));
    }

    [Fact]
    public void The_decoder_alone_declares_post_quant_conv_and_the_decoder()
    {
        var reference = BlocksReferenceKeys.Read("sd15-vae-keys.txt")
            .Where(e => e.Key.StartsWith("decoder.", StringComparison.Ordinal) || e.Key.StartsWith("post_quant_conv.", StringComparison.Ordinal))
            .ToDictionary();
        var declared = ParameterInventory.Of(ops => _ = new VaeDecoder<ParameterInventory.Declared>(ops, Sd15));

        BlocksReferenceKeys.AssertSameAs(reference, declared);
        Assert.Equal(49_490_199L, declared.Sum(p => p.ElementCount));
    }

    [Fact]
    public void The_encoder_alone_declares_the_encoder_and_quant_conv()
    {
        var reference = BlocksReferenceKeys.Read("sd15-vae-keys.txt")
            .Where(e => e.Key.StartsWith("encoder.", StringComparison.Ordinal) || e.Key.StartsWith("quant_conv.", StringComparison.Ordinal))
            .ToDictionary();
        var declared = ParameterInventory.Of(ops => _ = new VaeEncoder<ParameterInventory.Declared>(ops, Sd15, "vae"));

        Assert.All(declared, p => Assert.StartsWith("vae.", p.Name, StringComparison.Ordinal));
        var unprefixed = declared.Select(p => p with { Name = p.Name["vae.".Length..] }).ToList();
        BlocksReferenceKeys.AssertSameAs(reference, unprefixed);
        Assert.Equal(83_653_863L - 49_490_199L, declared.Sum(p => p.ElementCount));
    }

    [Fact]
    public void Optional_parts_can_be_switched_off()
    {
        var config = AutoencoderKLConfig.Tiny() with { UseQuantConv = false, UsePostQuantConv = false, MidBlockAddAttention = false };
        var names = ParameterInventory.Of(ops => _ = new AutoencoderKL<ParameterInventory.Declared>(ops, config)).Select(p => p.Name).ToList();

        Assert.DoesNotContain(names, n => n.Contains("quant_conv", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.Contains("attentions", StringComparison.Ordinal));
        Assert.Contains("decoder.mid_block.resnets.1.conv2.weight", names);
    }
}
