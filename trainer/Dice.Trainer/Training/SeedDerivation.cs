namespace Dice.Trainer.Training;

/// <summary>
/// Independent seeds for the parts of a run (parameter initialisation of each model, each random stream) from one
/// run seed: a stable 64-bit hash (FNV-1a, then SplitMix64) of the seed and a purpose name, the same on every
/// machine and .NET version.
/// </summary>
public static class SeedDerivation
{
    public static ulong Derive(ulong seed, string purpose)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        var hash = 14695981039346656037UL;
        foreach (var b in BitConverter.GetBytes(seed))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        foreach (var c in purpose)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        // SplitMix64 finaliser: spreads nearby inputs over the whole range.
        hash += 0x9E3779B97F4A7C15UL;
        hash = (hash ^ (hash >> 30)) * 0xBF58476D1CE4E5B9UL;
        hash = (hash ^ (hash >> 27)) * 0x94D049BB133111EBUL;
        return hash ^ (hash >> 31);
    }
}
