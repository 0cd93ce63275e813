using System.Diagnostics;
using System.Globalization;

namespace Dice.Core.IO;

/// <summary>
/// Kill points for testing what an interrupted run leaves behind. With <c>DICE_KILL_AT=POINT</c> (or <c>POINT:N</c>)
/// the process kills itself with SIGKILL (exit status 137) the N-th time (default: the first) it reaches the point named
/// POINT, as <c>kill -9</c> would: no finally blocks, no flushing. Without the variable every call is a no-op.
/// </summary>
public static class FaultInjection
{
    public const string Variable = "DICE_KILL_AT";

    private static readonly (string Point, int Count)? Target = Parse(Environment.GetEnvironmentVariable(Variable));
    private static int reached;

    /// <summary>Marks that the run has reached <paramref name="point"/>; kills the process when it is the targeted time.</summary>
    public static void Reached(string point)
    {
        if (Target is not { } target || !string.Equals(target.Point, point, StringComparison.Ordinal))
        {
            return;
        }
        if (Interlocked.Increment(ref reached) == target.Count)
        {
            Process.GetCurrentProcess().Kill();
            Thread.Sleep(Timeout.Infinite);
        }
    }

    /// <summary>"POINT" or "POINT:N" (N ≥ 1); anything else targets nothing.</summary>
    public static (string Point, int Count)? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var colon = value.LastIndexOf(':');
        if (colon < 0)
        {
            return (value, 1);
        }
        return int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1
            ? (value[..colon], n)
            : null;
    }
}
