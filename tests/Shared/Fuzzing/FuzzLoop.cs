using System.Globalization;

namespace Dice.Tests.Shared.Fuzzing;

/// <summary>
/// Feeds a parser a fixed number of seeded mutated inputs. Each input must either parse or be refused with one of the
/// parser's documented exception types (matched exactly, not by base class); any other exception fails the test with
/// the seed, the iteration and the input. Each iteration runs under a hang guard far above any realistic parse time.
/// The seed is fixed so runs are reproducible; DICE_FUZZ_SEED picks another to explore.
/// </summary>
internal static class FuzzLoop
{
    public const int DefaultSeed = 20;

    /// <summary>Far above any parse of a file of a few kilobytes: only a parser that loops forever reaches it.</summary>
    public static readonly TimeSpan IterationHangGuard = TimeSpan.FromSeconds(60);

    public sealed record Outcome(int Parsed, int Refused);

    public static int Seed =>
        Environment.GetEnvironmentVariable("DICE_FUZZ_SEED") is { Length: > 0 } s ? int.Parse(s, CultureInfo.InvariantCulture) : DefaultSeed;

    /// <param name="parser">Names the parser in failures.</param>
    /// <param name="input">The input of an iteration, from the seed and the iteration number.</param>
    /// <param name="parse">Parses one input, throwing when it refuses it.</param>
    /// <param name="refusals">The exception types the parser documents for bad input.</param>
    public static Outcome Run(string parser, int iterations, Func<int, int, byte[]> input, Action<byte[]> parse, params Type[] refusals)
    {
        var seed = Seed;
        int parsed = 0, refused = 0;
        for (var i = 0; i < iterations; i++)
        {
            var bytes = input(seed, i);
            var attempt = Task.Factory.StartNew(() => parse(bytes), CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default);
            try
            {
                if (!attempt.Wait(IterationHangGuard))
                {
                    Assert.Fail($"{parser} hung for {IterationHangGuard.TotalSeconds} s on {Describe(seed, i, bytes)}");
                }
                parsed++;
            }
            catch (AggregateException e) when (e.InnerExceptions.Count == 1)
            {
                var thrown = e.InnerExceptions[0];
                if (!refusals.Contains(thrown.GetType()))
                {
                    Assert.Fail($"{parser} threw {thrown.GetType().Name}, not one of {string.Join(", ", refusals.Select(r => r.Name))}, "
                        + $"on {Describe(seed, i, bytes)}\n{thrown}");
                }
                refused++;
            }
        }
        return new Outcome(parsed, refused);
    }

    private static string Describe(int seed, int iteration, byte[] bytes) =>
        $"iteration {iteration} of seed {seed} (DICE_FUZZ_SEED={seed}), {bytes.Length} bytes"
        + (bytes.Length <= 4096 ? $": {Convert.ToBase64String(bytes)}" : "");
}
