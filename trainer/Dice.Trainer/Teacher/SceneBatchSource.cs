using Dice.Data;
using TorchSharp;

namespace Dice.Trainer.Teacher;

/// <summary>
/// Batches of dice-mini's synthetic scenes, rendered on the fly: batch <c>k</c> of size <c>B</c> holds dataset samples
/// <c>k·B … k·B + B − 1</c> (modulo the dataset size when it is bounded), so a batch is a pure function of its index
/// and a resumed run sees exactly the data it would have seen.
/// </summary>
public sealed class SceneBatchSource
{
    private readonly DatasetGenerator generator;

    /// <param name="datasetSeed">The dataset's seed (<see cref="DiceMiniSplits.TrainSeed"/> for training).</param>
    /// <param name="imageSize">Side of the square images.</param>
    /// <param name="datasetSize">Number of distinct samples cycled through; 0 for an unbounded stream.</param>
    /// <param name="captionNoise">Chance that a caption mis-states any one attribute (<see cref="CaptionNoise"/>).</param>
    public SceneBatchSource(long datasetSeed, int imageSize, long datasetSize = 0, double captionNoise = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(datasetSize);
        generator = new DatasetGenerator(new DatasetOptions { Seed = datasetSeed, ImageSize = imageSize, CaptionNoise = captionNoise });
        DatasetSize = datasetSize;
    }

    public int ImageSize => generator.Options.ImageSize;

    public long DatasetSize { get; }

    /// <summary>Batch number <paramref name="batchIndex"/> of <paramref name="batchSize"/> samples.</summary>
    public SceneBatch Batch(long batchIndex, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchIndex);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var indices = Enumerable.Range(0, batchSize)
            .Select(i => checked((batchIndex * batchSize) + i))
            .Select(i => DatasetSize > 0 ? i % DatasetSize : i)
            .ToArray();
        return Samples(indices);
    }

    /// <summary>The samples at <paramref name="indices"/>, in order.</summary>
    public SceneBatch Samples(IReadOnlyList<long> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var size = ImageSize;
        var plane = size * size;
        var values = new float[indices.Count * 3 * plane];
        var captions = new string[indices.Count];
        Parallel.For(0, indices.Count, b =>
        {
            var sample = generator.Generate(indices[b]);
            captions[b] = sample.Caption;
            var pixels = sample.Image.Pixels;
            var offset = b * 3 * plane;
            for (var p = 0; p < plane; p++)
            {
                for (var c = 0; c < 3; c++)
                {
                    values[offset + (c * plane) + p] = (pixels[(p * 3) + c] / 127.5f) - 1f;
                }
            }
        });
        var images = torch.tensor(values, [indices.Count, 3, size, size]).DetachFromDisposeScope();
        return new SceneBatch(images, captions, indices.ToArray());
    }
}
