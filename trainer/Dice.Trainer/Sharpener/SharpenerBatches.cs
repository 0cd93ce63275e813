using Dice.Data;
using Dice.Trainer.Teacher;
using Dice.Trainer.Training;
using static TorchSharp.torch;

namespace Dice.Trainer.Sharpener;

/// <summary>
/// Draws the micro-batches of sharpener training: the items in <see cref="SharpenerDataOrder"/>, their images
/// encoded by the frozen VAE (a posterior draw or its mean) and their captions embedded, the negatives (c_null, or drawn negative prompts), one
/// timestep shared by the batch and the noise ε. The four generators it draws from are seeded from the run's seed
/// and belong in checkpoints, so that a resumed run draws what the uninterrupted one would have.
/// </summary>
public sealed class SharpenerBatches : IDisposable
{
    private readonly SharpenerTrainingOptions options;
    private readonly FrozenVae vae;
    private readonly double scalingFactor;
    private readonly int imageSize;
    private readonly Device device;
    private readonly Func<IReadOnlyList<string>, Tensor> encodePrompts;
    private readonly Tensor nullEmbedding;
    private readonly int trainTimesteps;

    /// <param name="encodePrompts">The frozen text encoder: prompts to embeddings [N, K, d] on <paramref name="device"/>.</param>
    /// <param name="nullEmbedding">c_null [1, K, d].</param>
    public SharpenerBatches(SharpenerTrainingOptions options, FrozenVae vae, double scalingFactor, int imageSize, Device device,
        Func<IReadOnlyList<string>, Tensor> encodePrompts, Tensor nullEmbedding, int trainTimesteps)
    {
        this.options = options;
        this.vae = vae;
        this.scalingFactor = scalingFactor;
        this.imageSize = imageSize;
        this.device = device;
        this.encodePrompts = encodePrompts;
        this.nullEmbedding = nullEmbedding;
        this.trainTimesteps = trainTimesteps;
        Order = new SharpenerDataOrder(CaptionedImages.GroupByImage(options.Data.Items), options.BatchSize, options.GradientAccumulation, options.Seed);
        TimestepGenerator = new Generator(SeedDerivation.Derive(options.Seed, "timesteps"));
        NoiseGenerator = new Generator(SeedDerivation.Derive(options.Seed, "noise"));
        NegativeGenerator = new Generator(SeedDerivation.Derive(options.Seed, "negatives"));
        LatentGenerator = new Generator(SeedDerivation.Derive(options.Seed, "vae.posterior"));
    }

    public SharpenerDataOrder Order { get; }

    /// <summary>Draws each micro-batch's timestep.</summary>
    public Generator TimestepGenerator { get; }

    /// <summary>Draws the noise ε.</summary>
    public Generator NoiseGenerator { get; }

    /// <summary>Picks the negative prompts, when there are any.</summary>
    public Generator NegativeGenerator { get; }

    /// <summary>Draws the latents from the VAE's posterior (unused with <see cref="SharpenerVaeLatents.Mean"/>).</summary>
    public Generator LatentGenerator { get; }

    /// <summary>Micro-batch <paramref name="microBatch"/> of step <paramref name="stepIndex"/>; call once per micro-batch, in order.</summary>
    public SharpenerBatch Sample(long stepIndex, int microBatch = 0) => Sample(Order.BatchItems(stepIndex, microBatch));

    /// <summary>A micro-batch of given items (drawing negatives, the timestep and the noise from the generators).</summary>
    public SharpenerBatch Sample(IReadOnlyList<CaptionedImage> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            throw new ArgumentException("a batch needs at least one item", nameof(items));
        }
        using var scope = NewDisposeScope();
        var batch = items.Count;
        var captions = items.Select(i => i.Caption).ToList();
        var images = SharpenerImages.Load(items, imageSize);
        var latents = (options.VaeLatents == SharpenerVaeLatents.Sample
            ? vae.SampleLatents(images, LatentGenerator, scalingFactor)
            : vae.EncodeLatents(images, scalingFactor)).to(device).contiguous();
        var conditional = encodePrompts(captions);
        Tensor unconditional;
        if (options.NegativePrompts is { Count: > 0 } negatives)
        {
            var picks = SeededRandom.Randint(0, negatives.Count, [batch], CPU, NegativeGenerator).data<long>().ToArray();
            unconditional = encodePrompts(picks.Select(p => negatives[(int)p]).ToList());
        }
        else
        {
            unconditional = nullEmbedding.expand(batch, nullEmbedding.size(1), nullEmbedding.size(2)).contiguous();
        }
        var timestep = SeededRandom.Randint(0, trainTimesteps, [1], device, TimestepGenerator);
        var timesteps = timestep.expand(batch).contiguous();
        var noise = SeededRandom.Randn(latents.shape, ScalarType.Float32, device, NoiseGenerator);
        return new SharpenerBatch(
            latents.DetachFromDisposeScope(),
            conditional.DetachFromDisposeScope(),
            unconditional.DetachFromDisposeScope(),
            timesteps.DetachFromDisposeScope(),
            noise.DetachFromDisposeScope(),
            captions);
    }

    public void Dispose()
    {
        TimestepGenerator.Dispose();
        NoiseGenerator.Dispose();
        NegativeGenerator.Dispose();
        LatentGenerator.Dispose();
    }
}
