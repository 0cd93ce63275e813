using Dice.Models.Blocks;
using Dice.Trainer;
using static Dice.Models.Tests.BlocksTorchChecks;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Dice.Models.Tests;

/// <summary>The shared blocks against the same computation written directly in libtorch.</summary>
public class BlocksForwardTests
{
    [Fact]
    public void Geglu_multiplies_the_first_half_by_gelu_of_the_second()
    {
        using var ops = new TorchOps(seed: 1);
        var ff = new GegluFeedForward<Tensor>(ops, "ff", 6);
        using var scope = NewDisposeScope();

        var x = randn([2, 3, 6]);
        var projected = F.linear(x, ops["ff.net.0.proj.weight"], ops["ff.net.0.proj.bias"]);
        var a = projected.narrow(2, 0, 24);
        var gate = projected.narrow(2, 24, 24);
        var expected = F.linear(a * F.gelu(gate), ops["ff.net.2.weight"], ops["ff.net.2.bias"]);
        AssertClose(expected, ff.Forward(x), 1e-5);
    }

    [Fact]
    public void Resnet_block_adds_the_projected_time_embedding_and_a_shortcut()
    {
        using var ops = new TorchOps(seed: 2);
        var block = new ResnetBlock2D<Tensor>(ops, "r", 4, 8, timeEmbedDim: 12, groups: 2, eps: 1e-5);
        using var scope = NewDisposeScope();

        var x = randn([2, 4, 5, 3]);
        var temb = randn([2, 12]);
        var h = F.conv2d(F.silu(F.group_norm(x, 2, ops["r.norm1.weight"], ops["r.norm1.bias"], 1e-5)), ops["r.conv1.weight"], ops["r.conv1.bias"],
            padding: [1, 1]);
        var t = F.linear(F.silu(temb), ops["r.time_emb_proj.weight"], ops["r.time_emb_proj.bias"]).unsqueeze(2).unsqueeze(3);
        h = h.Plus(t);
        h = F.conv2d(F.silu(F.group_norm(h, 2, ops["r.norm2.weight"], ops["r.norm2.bias"], 1e-5)), ops["r.conv2.weight"], ops["r.conv2.bias"],
            padding: [1, 1]);
        var expected = F.conv2d(x, ops["r.conv_shortcut.weight"], ops["r.conv_shortcut.bias"]).Plus(h);
        AssertClose(expected, block.Forward(x, temb), 1e-5);
    }

    [Fact]
    public void Vae_attention_is_one_head_over_all_channels_with_a_residual()
    {
        using var ops = new TorchOps(seed: 3);
        var attention = new SpatialSelfAttention<Tensor>(ops, "a", 8, groups: 4, eps: 1e-6);
        using var scope = NewDisposeScope();

        var x = randn([2, 8, 3, 5]);
        var sequence = F.group_norm(x, 4, ops["a.group_norm.weight"], ops["a.group_norm.bias"], 1e-6).reshape(2, 8, 15).transpose(1, 2);
        var q = F.linear(sequence, ops["a.to_q.weight"], ops["a.to_q.bias"]);
        var k = F.linear(sequence, ops["a.to_k.weight"], ops["a.to_k.bias"]);
        var v = F.linear(sequence, ops["a.to_v.weight"], ops["a.to_v.bias"]);
        var weights = q.matmul(k.transpose(1, 2)).Times(1 / Math.Sqrt(8)).softmax(2);
        var attended = F.linear(weights.matmul(v), ops["a.to_out.0.weight"], ops["a.to_out.0.bias"]);
        var expected = attended.transpose(1, 2).reshape(2, 8, 3, 5).Plus(x);
        AssertClose(expected, attention.Forward(x), 1e-5);
    }

    [Fact]
    public void Transformer_with_conv_and_with_linear_projections_agree_on_the_same_weights()
    {
        using var convOps = new TorchOps(seed: 4);
        using var linearOps = new TorchOps(seed: 5);
        var conv = new Transformer2DModel<Tensor>(convOps, "t", 8, heads: 2, crossAttentionDim: 6, layers: 2, groups: 4, useLinearProjection: false);
        var linear = new Transformer2DModel<Tensor>(linearOps, "t", 8, heads: 2, crossAttentionDim: 6, layers: 2, groups: 4, useLinearProjection: true);
        var weights = convOps.StateDict().ToDictionary(e => e.Key, e => e.Value.shape.Length == 4 ? e.Value.reshape(8, 8) : e.Value);
        linearOps.LoadStateDict(weights);
        using var scope = NewDisposeScope();
        using var grad = no_grad();

        var x = randn([2, 8, 4, 3]);
        var context = randn([2, 5, 6]);
        var output = conv.Forward(x, context);
        Assert.Equal([2L, 8, 4, 3], output.shape);
        AssertClose(output, linear.Forward(x, context), 1e-5);
    }

    [Fact]
    public void Transformer_with_zero_output_projection_is_the_identity()
    {
        using var ops = new TorchOps(seed: 6);
        var transformer = new Transformer2DModel<Tensor>(ops, "t", 8, heads: 2, crossAttentionDim: 6, layers: 1, groups: 4, useLinearProjection: false);
        using (no_grad())
        {
            ops["t.proj_out.weight"].zero_();
            ops["t.proj_out.bias"].zero_();
        }
        using var scope = NewDisposeScope();

        var x = randn([1, 8, 2, 6]);
        AssertClose(x, transformer.Forward(x, randn([1, 4, 6])), 0);
    }

    [Theory]
    [InlineData(1, 8, 8, 4, 4)]
    [InlineData(1, 7, 9, 4, 5)]
    [InlineData(0, 8, 8, 4, 4)]
    [InlineData(0, 7, 9, 3, 4)]
    public void Downsample_halves_the_size(int padding, long height, long width, long outHeight, long outWidth)
    {
        using var ops = new TorchOps(seed: 7);
        var down = new Downsample2D<Tensor>(ops, "d", 4, padding);
        using var scope = NewDisposeScope();

        var x = randn([2, 4, height, width]);
        var output = down.Forward(x);
        Assert.Equal([2L, 4, outHeight, outWidth], output.shape);
        var padded = padding == 0 ? F.pad(x, [0, 1, 0, 1]) : x;
        AssertClose(F.conv2d(padded, ops["d.conv.weight"], ops["d.conv.bias"], strides: [2, 2], padding: [padding, padding]), output, 1e-6);
    }

    [Fact]
    public void Up_block_concatenates_features_then_the_latest_skip()
    {
        using var ops = new TorchOps(seed: 8);
        var up = new UpBlock2D<Tensor>(ops, "u", [3, 5], prevOutputChannels: 4, outChannels: 4, timeEmbedDim: 6, groups: 1, eps: 1e-5,
            attention: null, addUpsample: true);
        using var referenceOps = new TorchOps(seed: 9);
        var first = new ResnetBlock2D<Tensor>(referenceOps, "u.resnets.0", 7, 4, 6, 1, 1e-5);
        var second = new ResnetBlock2D<Tensor>(referenceOps, "u.resnets.1", 9, 4, 6, 1, 1e-5);
        var upsample = new Upsample2D<Tensor>(referenceOps, "u.upsamplers.0", 4);
        referenceOps.LoadStateDict(ops.StateDict());
        using var scope = NewDisposeScope();

        var x = randn([2, 4, 3, 3]);
        var temb = randn([2, 6]);
        var older = randn([2, 5, 3, 3]);
        var latest = randn([2, 3, 3, 3]);
        var skips = new List<Tensor> { older, latest };
        var output = up.Forward(x, skips, temb);

        Assert.Empty(skips);
        var h = first.Forward(cat([x, latest], 1), temb);
        var expected = upsample.Forward(second.Forward(cat([h, older], 1), temb));
        Assert.Equal([2L, 4, 6, 6], output.shape);
        AssertClose(expected, output, 1e-6);
    }
}
