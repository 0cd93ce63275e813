using System.Globalization;
using Dice.Models.Sharpener;

namespace Dice.Benchmarks;

/// <summary>
/// `Dice.Benchmarks random-sharpener --out DIR (--model FOLDER | --embedding-dim D) [--inner-dim 512] [--heads 8] [--seed 0]`:
/// writes a <see cref="RandomSharpenerFolder"/> for `dice export` (used by scripts/prepare-benchmark-models.sh).
/// </summary>
public static class RandomSharpenerCommand
{
    public const string Verb = "random-sharpener";

    public const string Usage =
        "usage: Dice.Benchmarks random-sharpener --out DIR (--model FOLDER | --embedding-dim D) [--inner-dim 512] [--heads 8] [--seed 0]";

    /// <summary>Runs the verb (arguments after the verb); returns the exit code: 0, or 2 for bad input.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var key = args[i];
            if (key is not ("--out" or "--model" or "--embedding-dim" or "--inner-dim" or "--heads" or "--seed") || i + 1 >= args.Count)
            {
                error.WriteLine($"unexpected argument '{key}'{(i + 1 >= args.Count ? " (or its value is missing)" : "")}");
                error.WriteLine(Usage);
                return 2;
            }
            options[key] = args[++i];
        }
        if (!options.TryGetValue("--out", out var folder) || options.ContainsKey("--model") == options.ContainsKey("--embedding-dim"))
        {
            error.WriteLine("give --out and exactly one of --model and --embedding-dim");
            error.WriteLine(Usage);
            return 2;
        }
        try
        {
            var config = options.TryGetValue("--model", out var model)
                ? RandomSharpenerFolder.ForModel(model)
                : new SharpenerConfig(EmbeddingDim: Number("--embedding-dim"));
            config = config with
            {
                InnerDim = options.ContainsKey("--inner-dim") ? Number("--inner-dim") : config.InnerDim,
                Heads = options.ContainsKey("--heads") ? Number("--heads") : config.Heads,
            };
            var seed = options.TryGetValue("--seed", out var s) ? ulong.Parse(s, CultureInfo.InvariantCulture) : 0UL;
            var count = RandomSharpenerFolder.Create(folder, config, seed);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {Path.GetFullPath(folder)}: random sharpener d={config.EmbeddingDim}, inner {config.InnerDim}, {config.Heads} heads, {count:N0} parameters (seed {seed})"));
            return 0;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or IOException or InvalidDataException)
        {
            error.WriteLine(e.Message);
            return 2;
        }

        int Number(string key) => int.Parse(options[key], NumberStyles.Integer, CultureInfo.InvariantCulture);
    }
}
