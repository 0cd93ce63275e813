namespace Dice.Data;

/// <summary>
/// The fixed splits of dice-mini's synthetic data, so that training, the attribute classifier and the evaluation
/// all draw from one place: training samples come from seed <see cref="TrainSeed"/>, held-out evaluation samples
/// from <see cref="HeldOutSeed"/>. The two seeds give independent streams, but the scene space is small (one-object
/// scenes have 1,680 combinations), so a held-out caption can occur in training unless
/// <see cref="HeldOutCaptions"/> is asked to exclude the training captions.
/// </summary>
public static class DiceMiniSplits
{
    public const long TrainSeed = 1;

    public const long HeldOutSeed = 1_000_003;

    /// <summary>The training-set generator.</summary>
    public static DatasetGenerator Train(int imageSize = SceneRenderer.DefaultImageSize) =>
        new(new DatasetOptions { Seed = TrainSeed, ImageSize = imageSize });

    /// <summary>The held-out generator (images for the classifier's held-out accuracy, captions for evaluation).</summary>
    public static DatasetGenerator HeldOut(int imageSize = SceneRenderer.DefaultImageSize) =>
        new(new DatasetOptions { Seed = HeldOutSeed, ImageSize = imageSize });

    /// <summary>
    /// The first <paramref name="count"/> held-out scenes and captions. With <paramref name="excludeTrainCount"/>
    /// &gt; 0, held-out samples whose caption is among the first <paramref name="excludeTrainCount"/> training
    /// captions are skipped (the result keeps each sample's held-out index), so every returned caption is unseen in
    /// a training set of that size. Deterministic. Excluding a large training set skews the held-out set towards
    /// two-object scenes, whose captions are far more numerous (one-object scenes have 13,440 possible captions).
    /// </summary>
    public static IReadOnlyList<CaptionedScene> HeldOutCaptions(int count, int excludeTrainCount = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(excludeTrainCount);
        var seen = Train().DescribeRange(excludeTrainCount).Select(s => s.Caption).ToHashSet(StringComparer.Ordinal);
        var heldOut = HeldOut();
        var result = new List<CaptionedScene>(count);
        // Two-object captions alone number in the hundreds of thousands, so this ends for any sensible size; the
        // limit only turns an impossible request into an error.
        long limit = (100L * count) + 100_000;
        for (long index = 0; result.Count < count; index++)
        {
            if (index == limit)
            {
                throw new InvalidOperationException(
                    $"found only {result.Count} of {count} held-out captions unseen in the first {excludeTrainCount} training samples");
            }
            var sample = heldOut.Describe(index);
            if (!seen.Contains(sample.Caption))
            {
                result.Add(sample);
            }
        }
        return result;
    }

    /// <summary>Writes the first <paramref name="count"/> training samples as an imagefolder dataset.</summary>
    public static void WriteTrain(
        string folder,
        int count,
        int imageSize = SceneRenderer.DefaultImageSize,
        IProgress<int>? progress = null,
        bool overwrite = false,
        CancellationToken cancellationToken = default) =>
        ImageFolderWriter.Write(folder, Train(imageSize), count, progress, overwrite, cancellationToken);

    /// <summary>Writes the first <paramref name="count"/> held-out samples as an imagefolder dataset.</summary>
    public static void WriteHeldOut(
        string folder,
        int count,
        int imageSize = SceneRenderer.DefaultImageSize,
        IProgress<int>? progress = null,
        bool overwrite = false,
        CancellationToken cancellationToken = default) =>
        ImageFolderWriter.Write(folder, HeldOut(imageSize), count, progress, overwrite, cancellationToken);
}
