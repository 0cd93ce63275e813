using Dice.Models.Unet;
using Dice.Trainer;
using static TorchSharp.torch;

namespace Dice.Models.Tests;

/// <summary>DICE trains through the frozen UNet into the text embedding: that gradient must be right.</summary>
public class UnetGradientTests
{
    [Fact]
    public void Gradient_with_respect_to_encoder_hidden_states_matches_finite_differences()
    {
        using var ops = new TorchOps(dtype: ScalarType.Float64, seed: 3);
        var unet = new UNet2DConditionModel<Tensor>(ops, UNet2DConditionConfig.Tiny(crossAttentionDim: 8));
        ops.RequiresGrad(false);
        using var g = new Generator(4);
        using var sample = randn([1, 4, 8, 8], ScalarType.Float64, generator: g);
        using var timestep = tensor(new long[] { 321 });
        using var context = randn([1, 3, 8], ScalarType.Float64, generator: g);

        var error = GradCheck.RelativeError(x => unet.Forward(sample, timestep, x[0]), context);
        Assert.True(error < 1e-6, $"relative gradient error {error:E2}");
    }
}
