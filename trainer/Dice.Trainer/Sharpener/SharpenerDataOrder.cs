using System.Globalization;
using Dice.Data;
using Dice.Trainer.Training;

namespace Dice.Trainer.Sharpener;

/// <summary>
/// Which images each micro-batch takes, and with which caption: the images are walked in a seeded permutation per
/// epoch, and an image with several captions (COCO has about five) gets one drawn at random for each epoch, as the
/// reference's COCO dataset draws one each time it loads an image. Both depend only on the seed, the epoch and the
/// position, so a resumed run picks up the same images and captions.
/// </summary>
public sealed class SharpenerDataOrder
{
    private readonly IReadOnlyList<ImageCaptions> images;
    private readonly int batchSize;
    private readonly int gradientAccumulation;
    private readonly ulong seed;

    // The current and the next epoch's permutations cover a batch that straddles two epochs.
    private readonly Dictionary<long, int[]> permutations = [];

    /// <param name="images">The images with their captions (<see cref="CaptionedImages.GroupByImage"/>).</param>
    public SharpenerDataOrder(IReadOnlyList<ImageCaptions> images, int batchSize, int gradientAccumulation, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfZero(images.Count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gradientAccumulation);
        if (images.Any(i => i.Captions.Count == 0))
        {
            throw new ArgumentException("every image needs at least one caption", nameof(images));
        }
        this.images = images;
        this.batchSize = batchSize;
        this.gradientAccumulation = gradientAccumulation;
        this.seed = seed;
    }

    /// <summary>The images an epoch walks through once each.</summary>
    public IReadOnlyList<ImageCaptions> Images => images;

    /// <summary>Image indices of micro-batch <paramref name="microBatch"/> of step <paramref name="stepIndex"/>.</summary>
    public IReadOnlyList<int> BatchIndices(long stepIndex, int microBatch = 0) =>
        Positions(stepIndex, microBatch).Select(p => Permutation(p / images.Count)[p % images.Count]).ToArray();

    /// <summary>The images of micro-batch <paramref name="microBatch"/> of step <paramref name="stepIndex"/>, each with its caption for that epoch.</summary>
    public IReadOnlyList<CaptionedImage> BatchItems(long stepIndex, int microBatch = 0) =>
        Positions(stepIndex, microBatch).Select(p =>
        {
            var epoch = p / images.Count;
            var image = Permutation(epoch)[p % images.Count];
            return new CaptionedImage(images[image].ImagePath, Caption(epoch, image));
        }).ToArray();

    /// <summary>The caption image <paramref name="image"/> is trained with in epoch <paramref name="epoch"/>: its only one, or one drawn with the seed.</summary>
    public string Caption(long epoch, int image)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        var captions = images[image].Captions;
        if (captions.Count == 1)
        {
            return captions[0];
        }
        var purpose = string.Create(CultureInfo.InvariantCulture, $"data.caption.{epoch}.{image}");
        return captions[new DeterministicRandom(SeedDerivation.Derive(seed, purpose)).NextInt(captions.Count)];
    }

    private IEnumerable<long> Positions(long stepIndex, int microBatch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepIndex);
        ArgumentOutOfRangeException.ThrowIfNegative(microBatch);
        var start = ((stepIndex * gradientAccumulation) + microBatch) * batchSize;
        for (var i = 0; i < batchSize; i++)
        {
            yield return start + i;
        }
    }

    private int[] Permutation(long epoch)
    {
        if (permutations.TryGetValue(epoch, out var cached))
        {
            return cached;
        }
        if (permutations.Count >= 2)
        {
            permutations.Remove(permutations.Keys.Min());
        }
        var itemCount = images.Count;
        var order = Enumerable.Range(0, itemCount).ToArray();
        var random = new DeterministicRandom(SeedDerivation.Derive(seed, $"data.epoch.{epoch.ToString(CultureInfo.InvariantCulture)}"));
        for (var i = itemCount - 1; i > 0; i--)
        {
            var j = random.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        permutations[epoch] = order;
        return order;
    }
}
