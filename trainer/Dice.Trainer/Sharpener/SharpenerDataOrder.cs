using System.Globalization;
using Dice.Data;
using Dice.Trainer.Training;

namespace Dice.Trainer.Sharpener;

/// <summary>
/// Which dataset items each micro-batch takes: the data is walked in a seeded permutation per epoch, so the indices
/// depend only on the seed and the position (a resumed run picks up the same order).
/// </summary>
public sealed class SharpenerDataOrder(int itemCount, int batchSize, int gradientAccumulation, ulong seed)
{
    // The current and the next epoch's permutations cover a batch that straddles two epochs.
    private readonly Dictionary<long, int[]> permutations = [];

    /// <summary>Dataset indices of micro-batch <paramref name="microBatch"/> of step <paramref name="stepIndex"/>.</summary>
    public IReadOnlyList<int> BatchIndices(long stepIndex, int microBatch = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepIndex);
        ArgumentOutOfRangeException.ThrowIfNegative(microBatch);
        var start = ((stepIndex * gradientAccumulation) + microBatch) * batchSize;
        var indices = new int[batchSize];
        for (var i = 0; i < indices.Length; i++)
        {
            var position = start + i;
            indices[i] = Permutation(position / itemCount)[position % itemCount];
        }
        return indices;
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
