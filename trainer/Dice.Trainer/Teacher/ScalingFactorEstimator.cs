using TorchSharp;
using static TorchSharp.torch;

namespace Dice.Trainer.Teacher;

/// <summary>
/// The VAE config's scaling_factor for a newly trained VAE: 1 / std of the posterior means over a batch of images,
/// so the UNet sees latents of unit variance (as SD's 0.18215 does for its VAE).
/// </summary>
public static class ScalingFactorEstimator
{
    public static double Estimate(FrozenVae vae, Tensor images)
    {
        ArgumentNullException.ThrowIfNull(vae);
        using var mean = vae.EncodeMean(images);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = mean.to(ScalarType.Float64);
        var std = (x - x.mean()).Squared().mean().sqrt().ToDouble();
        return std > 0 && double.IsFinite(std)
            ? 1 / std
            : throw new InvalidOperationException($"the latents have standard deviation {std}; no scaling factor fits");
    }

    /// <summary>Estimates over <paramref name="batches"/> batches of <paramref name="batchSize"/> scenes from <paramref name="source"/> (at most a few thousand images are needed).</summary>
    public static double Estimate(FrozenVae vae, SceneBatchSource source, int batchSize = 64, int batches = 4)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(batches, 1);
        var parts = new List<Tensor>();
        try
        {
            for (var b = 0; b < batches; b++)
            {
                using var batch = source.Batch(b, batchSize);
                parts.Add(batch.Images.clone().DetachFromDisposeScope());
            }
            using var all = cat(parts, 0);
            return Estimate(vae, all);
        }
        finally
        {
            foreach (var p in parts)
            {
                p.Dispose();
            }
        }
    }
}
