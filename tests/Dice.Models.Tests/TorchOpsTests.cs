using Dice.Models;
using Dice.Models.Sharpener;
using Dice.Models.Weights;
using Dice.Trainer;
using TorchSharp;
using static TorchSharp.torch;

namespace Dice.Models.Tests;

public class TorchOpsTests
{
    [Fact]
    public void Reshape_zero_keeps_the_input_dim_and_minus_one_infers()
    {
        using var ops = new TorchOps();
        using var x = tensor(Enumerable.Range(0, 24).Select(i => (float)i).ToArray()).reshape(2, 3, 4);
        using var y = ops.Reshape(x, 0, -1, 2);
        Assert.Equal([2L, 6, 2], y.shape);
    }

    [Fact]
    public void ExpandToBatch_broadcasts_a_single_value()
    {
        using var ops = new TorchOps();
        using var t = tensor(new long[] { 7 });
        using var like = zeros([3, 2]);
        using var e = ops.ExpandToBatch(t, like);
        Assert.Equal([7L, 7, 7], e.data<long>().ToArray());
    }

    [Fact]
    public void PoolAtArgmax_picks_the_row_of_the_largest_id()
    {
        using var ops = new TorchOps();
        using var hidden = tensor(Enumerable.Range(0, 12).Select(i => (float)i).ToArray()).reshape(2, 3, 2);
        using var ids = tensor(new long[] { 1, 9, 3, 9, 2, 1 }, [2, 3]);
        using var pooled = ops.PoolAtArgmax(hidden, ids);
        Assert.Equal([2f, 3, 6, 7], pooled.data<float>().ToArray());
    }

    [Fact]
    public void Same_seed_same_weights_and_strict_loading()
    {
        using var a = new TorchOps(seed: 5);
        using var b = new TorchOps(seed: 5);
        using var c = new TorchOps(seed: 6);
        foreach (var ops in new[] { a, b, c })
        {
            ops.Parameter("w", [4, 4], ParameterInit.Uniform(1));
        }
        Assert.True(a["w"].Equals(b["w"]));
        Assert.False(a["w"].Equals(c["w"]));

        c.LoadStateDict(a.StateDict());
        Assert.True(a["w"].Equals(c["w"]));

        using var wrong = zeros([4, 5]);
        var e = Assert.Throws<InvalidOperationException>(() => c.LoadStateDict(new Dictionary<string, Tensor> { ["w"] = wrong, ["extra"] = wrong }));
        Assert.Contains("w: expected [4, 4], got [4, 5]", e.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected: extra", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_then_load_reproduces_outputs_bit_for_bit()
    {
        using var dir = new TempDirectory();
        var config = new SharpenerConfig(32, 16, 4);
        var path = dir.File("sharpener.safetensors");
        using var a = new TorchOps(seed: 1);
        var sa = new DiceSharpener<Tensor>(a, config);
        a.Save(path);

        using var b = new TorchOps(seed: 2);
        var sb = new DiceSharpener<Tensor>(b, config);
        using (var source = WeightSource.Open(path, ops => _ = new DiceSharpener<ParameterInventory.Declared>(ops, config)))
        {
            b.Load(source);
        }
        using var scope = NewDisposeScope();
        using var g = new Generator(3);
        var c = randn([2, 5, 32], generator: g);
        var n = randn([1, 5, 32], generator: g);
        Assert.True(sa.Forward(c, n).Equals(sb.Forward(c, n)));
    }

    [Theory]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.BFloat16)]
    public void Half_precision_weights_round_trip_in_their_own_dtype(ScalarType dtype)
    {
        using var dir = new TempDirectory();
        var path = dir.File("w.safetensors");
        using var a = new TorchOps(dtype: dtype, seed: 4);
        a.Parameter("w", [3, 5], ParameterInit.Normal(1));
        a.Save(path);
        using var b = new TorchOps(dtype: dtype, seed: 5);
        b.Parameter("w", [3, 5], ParameterInit.Normal(1));
        using (var source = WeightSource.Open(path, ops => ops.Parameter("w", [3, 5], ParameterInit.Zeros)))
        {
            b.Load(source);
        }
        Assert.Equal(dtype, b["w"].dtype);
        Assert.True(a["w"].Equals(b["w"]));
    }

    /// <summary>
    /// Convolution gradients in float32 against the same arithmetic in float64 (libtorch's reference path), for output
    /// channel counts that do and do not fill libtorch's 16-lane CPU blocks (see <see cref="TorchOps.Conv2d"/>); float32
    /// rounding over 3×3×32 products bounds the relative error by about 1e-5.
    /// </summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 1)]
    [InlineData(4, 1)]
    [InlineData(8, 1)]
    [InlineData(24, 1)]
    [InlineData(16, 1)]
    [InlineData(4, 2)]
    public void Convolution_gradients_match_float64_for_every_output_channel_count(int outChannels, int stride)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(11);
        var x = randn([8, 32, 16, 16], generator: g);
        var w = randn([outChannels, 32, 3, 3], generator: g);
        var b = randn([outChannels], generator: g);
        var (y32, grads32) = ConvWithGradients(ScalarType.Float32, x, w, b, stride);
        var (y64, grads64) = ConvWithGradients(ScalarType.Float64, x, w, b, stride);

        Assert.True(RelativeError(y32, y64) < 1e-5, $"output: {RelativeError(y32, y64):E2}");
        string[] names = ["input", "weight", "bias"];
        for (var i = 0; i < 3; i++)
        {
            var error = RelativeError(grads32[i], grads64[i]);
            Assert.True(error < 1e-5, $"{names[i]} gradient, {outChannels} output channels: relative error {error:E2}");
        }
    }

    /// <summary>bfloat16 keeps 8 significant bits: a 3×3×32 convolution lands within about 1e-2 of float64.</summary>
    [Theory]
    [InlineData(4)]
    [InlineData(16)]
    public void A_bfloat16_convolution_stays_within_bfloat16_rounding(int outChannels)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(12);
        var x = randn([8, 32, 16, 16], generator: g);
        var w = randn([outChannels, 32, 3, 3], generator: g);
        var b = randn([outChannels], generator: g);

        var (y16, _) = ConvWithGradients(ScalarType.BFloat16, x, w, b, 1);
        var (y64, _) = ConvWithGradients(ScalarType.Float64, x, w, b, 1);

        Assert.True(RelativeError(y16, y64) < 2e-2, $"bfloat16 output: relative error {RelativeError(y16, y64):E2}");
    }

    private static (Tensor Output, Tensor[] Gradients) ConvWithGradients(ScalarType dtype, Tensor x, Tensor w, Tensor b, int stride)
    {
        using var ops = new TorchOps(dtype: dtype);
        var leaves = new[] { x, w, b }.Select(t => t.to(dtype).detach().requires_grad_(true)).ToArray();
        var y = ops.Conv2d(leaves[0], leaves[1], leaves[2], stride, 1);
        using var gw = new Generator(13);
        var upstream = randn(y.shape, generator: gw).to(dtype);
        (y * upstream).sum().backward();
        return (y.detach(), leaves.Select(l => l.grad!).ToArray());
    }

    /// <summary>max |a − b| / max |b|, in float64.</summary>
    private static double RelativeError(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var reference = b.to(ScalarType.Float64);
        return (a.to(ScalarType.Float64) - reference).abs().max().ToDouble() / reference.abs().max().ToDouble();
    }
}
