using Dice.Models.Unet;
using Dice.Trainer;
using TorchSharp;
using static Dice.Models.Tests.BlocksTorchChecks;
using static TorchSharp.torch;

namespace Dice.Models.Tests;

public class UnetForwardTests
{
    private const int ContextLength = 7;

    private static Tensor Timesteps(bool perSample, long batch, bool integer) => integer
        ? tensor(Enumerable.Range(0, perSample ? (int)batch : 1).Select(i => 999L - (100 * i)).ToArray())
        : tensor(Enumerable.Range(0, perSample ? (int)batch : 1).Select(i => 999f - (100 * i) + 0.5f).ToArray());

    [Theory]
    [InlineData(1, 16, 16, false, true)]
    [InlineData(1, 8, 24, true, false)]
    [InlineData(3, 16, 16, true, true)]
    [InlineData(3, 8, 24, false, false)]
    [InlineData(3, 24, 8, true, true)]
    public void Output_has_the_sample_shape(long batch, long height, long width, bool perSampleTimestep, bool integerTimestep)
    {
        var config = UNet2DConditionConfig.Tiny();
        using var ops = new TorchOps(seed: 1);
        var unet = new UNet2DConditionModel<Tensor>(ops, config);
        using var scope = NewDisposeScope();
        using var grad = no_grad();

        var sample = randn([batch, 4, height, width]);
        var context = randn([batch, ContextLength, 16]);
        var output = unet.Forward(sample, Timesteps(perSampleTimestep, batch, integerTimestep), context);

        Assert.Equal([batch, 4, height, width], output.shape);
        AssertFinite(output);
    }

    [Fact]
    public void Samples_of_a_batch_do_not_interact()
    {
        using var ops = new TorchOps(seed: 2);
        var unet = new UNet2DConditionModel<Tensor>(ops, UNet2DConditionConfig.Tiny());
        using var scope = NewDisposeScope();
        using var grad = no_grad();

        var sample = randn([3, 4, 8, 16]);
        var context = randn([3, ContextLength, 16]);
        var timestep = tensor(new long[] { 10, 500, 990 });
        var batched = unet.Forward(sample, timestep, context);
        for (long i = 0; i < 3; i++)
        {
            var alone = unet.Forward(Sample(sample, i), Sample(timestep, i), Sample(context, i));
            AssertClose(alone, Sample(batched, i), 1e-4);
        }
    }

    [Fact]
    public void One_timestep_for_the_batch_equals_it_repeated_and_integer_equals_float()
    {
        using var ops = new TorchOps(seed: 3);
        var unet = new UNet2DConditionModel<Tensor>(ops, UNet2DConditionConfig.Tiny());
        using var scope = NewDisposeScope();
        using var grad = no_grad();

        var sample = randn([2, 4, 8, 8]);
        var context = randn([2, ContextLength, 16]);
        var single = unet.Forward(sample, tensor(new long[] { 321 }), context);
        var repeated = unet.Forward(sample, tensor(new long[] { 321, 321 }), context);
        var asFloat = unet.Forward(sample, tensor(new float[] { 321f }), context);
        var other = unet.Forward(sample, tensor(new long[] { 322 }), context);

        AssertClose(single, repeated, 1e-6);
        AssertClose(single, asFloat, 1e-6);
        Assert.True(MaxAbsDiff(single, other) > 1e-6, "the timestep does not reach the output");
    }

    [Fact]
    public void Encoder_hidden_states_of_batch_one_are_shared_by_the_batch()
    {
        using var ops = new TorchOps(seed: 4);
        var unet = new UNet2DConditionModel<Tensor>(ops, UNet2DConditionConfig.Tiny());
        using var scope = NewDisposeScope();
        using var grad = no_grad();

        var sample = randn([2, 4, 8, 8]);
        var context = randn([1, ContextLength, 16]);
        var shared = unet.Forward(sample, tensor(new long[] { 50 }), context);
        var repeated = unet.Forward(sample, tensor(new long[] { 50 }), cat([context, context], 0));
        AssertClose(repeated, shared, 1e-5);
    }

    [Fact]
    public void Linear_projection_variant_runs()
    {
        using var ops = new TorchOps(seed: 5);
        var unet = new UNet2DConditionModel<Tensor>(ops, UNet2DConditionConfig.Tiny(crossAttentionDim: 24, useLinearProjection: true));
        using var scope = NewDisposeScope();
        using var grad = no_grad();

        var output = unet.Forward(randn([2, 4, 16, 8]), tensor(new long[] { 7, 8 }), randn([2, 5, 24]));
        Assert.Equal([2L, 4, 16, 8], output.shape);
        AssertFinite(output);
    }

    [Fact]
    public void Centering_the_input_maps_it_to_two_x_minus_one()
    {
        using var plainOps = new TorchOps(seed: 6);
        using var centeredOps = new TorchOps(seed: 6);
        var plain = new UNet2DConditionModel<Tensor>(plainOps, UNet2DConditionConfig.Tiny());
        var centered = new UNet2DConditionModel<Tensor>(centeredOps, UNet2DConditionConfig.Tiny() with { CenterInputSample = true });
        using var scope = NewDisposeScope();
        using var grad = no_grad();

        var sample = rand([1, 4, 8, 8]);
        var context = randn([1, ContextLength, 16]);
        var timestep = tensor(new long[] { 3 });
        AssertClose(plain.Forward(sample.Times(2).Minus(1), timestep, context), centered.Forward(sample, timestep, context), 1e-5);
    }

    [Fact]
    public void Gradients_reach_the_encoder_hidden_states_through_a_frozen_unet()
    {
        using var ops = new TorchOps(seed: 7);
        var unet = new UNet2DConditionModel<Tensor>(ops, UNet2DConditionConfig.Tiny());
        ops.RequiresGrad(false);
        using var scope = NewDisposeScope();

        var context = randn([2, ContextLength, 16]).requires_grad_();
        var output = unet.Forward(randn([2, 4, 8, 8]), tensor(new long[] { 100 }), context);
        output.sum().backward();

        var gradient = context.grad;
        Assert.NotNull(gradient);
        Assert.True(gradient.abs().sum().ToDouble() > 0);
        Assert.Null(ops["conv_in.weight"].grad);
    }

    [Fact]
    public void Sinusoidal_features_put_cosines_first_when_flipped()
    {
        using var ops = new TorchOps();
        var flipped = new TimestepEmbedding<Tensor>(ops, "a", 8, 16, flipSinToCos: true, freqShift: 0);
        var plain = new TimestepEmbedding<Tensor>(ops, "b", 8, 16, flipSinToCos: false, freqShift: 1);
        using var scope = NewDisposeScope();

        var like = zeros([2, 1]);
        var t = tensor(new long[] { 0, 3 });
        var cosFirst = flipped.Sinusoidal(t, like).data<float>().ToArray();
        var sinFirst = plain.Sinusoidal(t, like).data<float>().ToArray();

        var frequencies = TimestepEmbedding<Tensor>.Frequencies(4, 0);
        var shifted = TimestepEmbedding<Tensor>.Frequencies(4, 1);
        Assert.Equal(1f, frequencies[0]);
        Assert.Equal(Math.Exp(-Math.Log(10000) * 3 / 4), frequencies[3], 6);
        Assert.Equal(Math.Exp(-Math.Log(10000) * 3 / 3), shifted[3], 6);
        Assert.Equal([1f, 1, 1, 1, 0, 0, 0, 0], cosFirst[..8]);
        Assert.Equal([0f, 0, 0, 0, 1, 1, 1, 1], sinFirst[..8]);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(Math.Cos(3 * frequencies[i]), cosFirst[8 + i], 5);
            Assert.Equal(Math.Sin(3 * frequencies[i]), cosFirst[12 + i], 5);
            Assert.Equal(Math.Sin(3 * shifted[i]), sinFirst[8 + i], 5);
        }
    }
}
