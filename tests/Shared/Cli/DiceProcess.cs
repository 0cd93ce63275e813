using System.Diagnostics;

namespace Dice.Tests.Shared;

/// <summary>Runs the built `dice` executable as a separate process, as a user would.</summary>
internal static class DiceProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <param name="appDirectory">The folder holding dice.dll (default: beside the tests).</param>
    /// <param name="unset">Variables of the test's own environment the child must not inherit.</param>
    /// <param name="launcher">A command that starts `dotnet dice.dll …` and reports on it (GNU time, strace), with its options.</param>
    /// <param name="workingDirectory">The child's current folder (default: the test's).</param>
    public static Result Run(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null,
        string? appDirectory = null, IEnumerable<string>? unset = null, IReadOnlyList<string>? launcher = null,
        string? workingDirectory = null)
    {
        var limit = timeout ?? HangGuard.Limit;
        var dll = Path.Combine(appDirectory ?? AppContext.BaseDirectory, "dice.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project must reference cli/Dice.Cli");
        var info = new ProcessStartInfo(launcher is { Count: > 0 } ? launcher[0] : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var a in launcher is { Count: > 0 } ? [.. launcher.Skip(1), "dotnet"] : Array.Empty<string>())
        {
            info.ArgumentList.Add(a);
        }
        info.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        foreach (var name in unset ?? [])
        {
            info.Environment.Remove(name);
        }
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dice {string.Join(' ', args)} did not finish in {limit.TotalMinutes:0.#} minutes");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
