using Dice.Models.Unet;
using Dice.Trainer;
using TorchSharp;
using static TorchSharp.torch;

namespace Dice.Models.Tests;

public class UnetTimestepPrecisionTests
{
    [Fact]
    public void Sinusoidal_features_of_a_late_timestep_stay_accurate_in_bfloat16()
    {
        using var exact = new TorchOps(dtype: ScalarType.Float64);
        using var half = new TorchOps(dtype: ScalarType.BFloat16);
        var reference = new TimestepEmbedding<Tensor>(exact, "time_embedding", 320, 1280, flipSinToCos: true, freqShift: 0);
        var reduced = new TimestepEmbedding<Tensor>(half, "time_embedding", 320, 1280, flipSinToCos: true, freqShift: 0);
        using var scope = NewDisposeScope();
        var t = tensor(new long[] { 999 });
        var like = zeros([1]);
        var a = reference.Sinusoidal(t, like);
        var b = reduced.Sinusoidal(t, like).to(ScalarType.Float64);
        Assert.Equal(ScalarType.BFloat16, reduced.Sinusoidal(t, like).dtype);
        // bfloat16 keeps 8 significant bits: features in [-1, 1] round by at most 2^-8. Angles rounded to
        // bfloat16 before sin/cos (≈ 999 rad ± 2) would be off by up to 1.
        var error = (a - b).abs().max().ToDouble();
        Assert.True(error < 0.005, $"max error {error}");
    }
}
