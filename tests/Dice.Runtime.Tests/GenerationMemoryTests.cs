using Dice.Core.ModelFolders;
using Dice.Runtime.Pipelines;

namespace Dice.Runtime.Tests;

/// <summary>
/// The memory estimate on dice-mini's configs, against numbers worked out by hand from the formula in
/// <see cref="GenerationMemory"/>. dice-mini (onnx-models/dice-mini): VAE block_out_channels [32, 64, 64] (factor
/// 2² = 4, decoder channels from the lowest level up 64, 64, 32), latent_channels 4, mid-block attention on; UNet
/// block_out_channels [32, 64, 64], down blocks CrossAttn, CrossAttn, Down and a cross-attention mid block, so
/// attention at downscales 1, 2 and 4 with attention_head_dim 4 = 4 heads; text length 77.
/// </summary>
public sealed class GenerationMemoryTests
{
    private static readonly ModelGeometry DiceMini =
        ModelGeometry.Read(OnnxModelFolder.Open(RepositoryFiles.Path("onnx-models/dice-mini")));

    [Fact]
    public void Dice_mini_geometry_is_read_from_its_configs()
    {
        Assert.Equal(4, DiceMini.VaeFactor);
        Assert.Equal(4, DiceMini.LatentMultiple);
        Assert.Equal(16, DiceMini.PixelMultiple);
        Assert.Equal(32, DiceMini.DefaultHeight); // sample_size 8 × 4
        Assert.Equal(4, DiceMini.LatentChannels);
        Assert.Equal(77, DiceMini.SequenceLength);
        Assert.Equal([new(1, 4), new(2, 4), new(4, 4)], DiceMini.UnetAttention);
        Assert.Equal([32, 64, 64], DiceMini.VaeChannels);
        Assert.True(DiceMini.VaeMidAttention);
    }

    [Fact]
    public void One_2048_square_image_needs_a_terabyte_of_attention_scores()
    {
        // h = w = 2048 / 4 = 512, h·w = 262,144.
        // latents: 1 · 4 · 262,144 · 4 = 4,194,304.
        // UNet, downscale 1: L = 262,144 > 77, 1 · 4 heads · 262,144² · 4 = 1,099,511,627,776 (2^40); downscale 2 and 4 are smaller.
        // VAE mid attention: 262,144² · 4 = 274,877,906,944.
        // VAE up blocks: 64 · 1024² · 4 = 268,435,456; 64 · 2048² · 4 = 1,073,741,824; 32 · 2048² · 4 = 536,870,912.
        var e = GenerationMemory.For(DiceMini, images: 1, height: 2048, width: 2048, cfgBatched: false);
        Assert.Equal(4_194_304L, e.Latents);
        Assert.Equal(1_099_511_627_776L, e.UnetAttention);
        Assert.Equal(274_877_906_944L, e.VaeMidAttention);
        Assert.Equal(1_073_741_824L, e.VaeActivation);
        Assert.Equal(1_099_511_627_776L + 4_194_304L, e.Peak);
    }

    [Fact]
    public void A_million_default_images_need_the_vae_decoders_activations()
    {
        // h = w = 32 / 4 = 8, h·w = 64.
        // latents: 10^6 · 4 · 64 · 4 = 1,024,000,000.
        // UNet, downscale 1: L = 64 < 77 (cross-attention is the larger), 10^6 · 4 · 64 · 77 · 4 = 78,848,000,000.
        // VAE mid attention: 10^6 · 64² · 4 = 16,384,000,000.
        // VAE up blocks: 64 · 16² · 4 = 65,536; 64 · 32² · 4 = 262,144; 32 · 32² · 4 = 131,072; the largest × 10^6.
        // peak: 1,024,000,000 + 262,144,000,000 = 263,168,000,000.
        var e = GenerationMemory.For(DiceMini, images: 1_000_000, height: 32, width: 32, cfgBatched: false);
        Assert.Equal(1_024_000_000L, e.Latents);
        Assert.Equal(78_848_000_000L, e.UnetAttention);
        Assert.Equal(16_384_000_000L, e.VaeMidAttention);
        Assert.Equal(262_144_000_000L, e.VaeActivation);
        Assert.Equal(263_168_000_000L, e.Peak);
    }

    [Fact]
    public void Batched_cfg_doubles_the_unets_batch_only()
    {
        // 2 images of 64×64: h = w = 16, h·w = 256. latents: 2 · 4 · 256 · 4 = 8,192.
        // UNet at batch 2 · 2 = 4, downscale 1: L = 256, 4 · 4 · 256² · 4 = 4,194,304.
        // VAE mid attention: 2 · 256² · 4 = 524,288. VAE up blocks: 64 · 64² · 4 · 2 = 2,097,152 is the largest.
        var e = GenerationMemory.For(DiceMini, images: 2, height: 64, width: 64, cfgBatched: true);
        Assert.Equal(8_192L, e.Latents);
        Assert.Equal(4_194_304L, e.UnetAttention);
        Assert.Equal(524_288L, e.VaeMidAttention);
        Assert.Equal(2_097_152L, e.VaeActivation);
        Assert.Equal(4_202_496L, e.Peak);
        Assert.Equal(4_194_304L / 2, GenerationMemory.For(DiceMini, 2, 64, 64, cfgBatched: false).UnetAttention);
    }

    [Fact]
    public void An_estimate_beyond_64_bits_saturates_instead_of_wrapping()
    {
        var e = GenerationMemory.For(DiceMini, images: long.MaxValue / 2, height: 16384, width: 16384, cfgBatched: true);
        Assert.Equal(long.MaxValue, e.Peak);
    }

    [Theory]
    [InlineData(999L, "999 bytes")]
    [InlineData(263_168_000_000L, "263.17 GB")]
    [InlineData(1_099_515_822_080L, "1.10 TB")]
    public void Sizes_are_written_in_powers_of_1000(long bytes, string expected) =>
        Assert.Equal(expected, GenerationMemory.Format(bytes));
}
