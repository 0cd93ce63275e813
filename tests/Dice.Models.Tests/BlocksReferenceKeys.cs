using System.Globalization;

namespace Dice.Models.Tests;

/// <summary>The reference state-dict key lists (one "name [d0, d1, …]" a line) and a set comparison with a declaration.</summary>
internal static class BlocksReferenceKeys
{
    public static Dictionary<string, long[]> Read(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Data", "reference", file);
        return File.ReadLines(path)
            .Where(l => l.Length > 0)
            .Select(l =>
            {
                int open = l.IndexOf(" [", StringComparison.Ordinal);
                var dims = l[(open + 2)..^1].Split(", ").Select(d => long.Parse(d, CultureInfo.InvariantCulture)).ToArray();
                return (Name: l[..open], Shape: dims);
            })
            .ToDictionary(e => e.Name, e => e.Shape, StringComparer.Ordinal);
    }

    /// <summary>Asserts the declared names and shapes equal the reference as sets, reporting the first differences.</summary>
    public static void AssertSameAs(IReadOnlyDictionary<string, long[]> reference, IReadOnlyList<ParameterSpec> declared)
    {
        var names = declared.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var missing = reference.Keys.Where(k => !names.Contains(k)).Take(10).ToList();
        var extra = declared.Where(p => !reference.ContainsKey(p.Name)).Select(p => p.Name).Take(10).ToList();
        var misshaped = declared
            .Where(p => reference.TryGetValue(p.Name, out var shape) && !shape.SequenceEqual(p.Shape))
            .Select(p => $"{p.Name} [{string.Join(", ", p.Shape)}] vs reference [{string.Join(", ", reference[p.Name])}]")
            .Take(10)
            .ToList();
        Assert.True(missing.Count + extra.Count + misshaped.Count == 0,
            $"missing: {string.Join(", ", missing)}\nnot in the reference: {string.Join(", ", extra)}\nshape: {string.Join("; ", misshaped)}");
        Assert.Equal(reference.Count, declared.Count);
    }

    public static long Total(IEnumerable<long[]> shapes) => shapes.Sum(s => s.Aggregate(1L, (a, b) => a * b));
}
