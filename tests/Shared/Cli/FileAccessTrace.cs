using System.Text.RegularExpressions;

namespace Dice.Tests.Shared;

/// <summary>
/// Runs `dice` under strace and reports which files it opened, created, renamed or deleted, so a test can show that a
/// verb reads and writes only where it was told to. Only calls that succeeded count: a failed open read nothing.
/// </summary>
internal static partial class FileAccessTrace
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr, IReadOnlyList<string> Read, IReadOnlyList<string> Written)
    {
        /// <summary>Paths written that are neither one of the allowed folders nor inside one.</summary>
        public IReadOnlyList<string> WrittenOutside(params string[] allowed) => Outside(Written, allowed);

        /// <summary>Paths read that are neither one of the allowed folders nor inside one.</summary>
        public IReadOnlyList<string> ReadOutside(params string[] allowed) => Outside(Read, allowed);
    }

    /// <summary>
    /// Where any `dice` process reads by itself: the .NET runtime, the app's own folder, the NuGet cache and the system.
    /// </summary>
    public static string[] SystemReadPaths(string? appDirectory = null) =>
    [
        "/proc", "/sys", "/dev", "/usr", "/lib", "/lib64", "/etc", "/opt", "/bin", "/sbin", "/run",
        Path.GetDirectoryName(typeof(object).Assembly.Location)!.Split("/shared/")[0],
        Path.TrimEndingDirectorySeparator(appDirectory ?? AppContext.BaseDirectory),
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget"),
    ];

    /// <summary>Runs `dotnet dice.dll args` under `strace -f`, with the same options as <see cref="DiceProcess.Run"/>.</summary>
    public static Result Run(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null,
        string? appDirectory = null, IEnumerable<string>? unset = null)
    {
        var traceFolder = Directory.CreateTempSubdirectory("dice-strace-");
        try
        {
            // -ff: one file per thread, so no call is split over two lines; -y: file descriptors as their paths.
            string[] strace =
            [
                "strace", "-ff", "-qq", "-y", "-s", "4096", "-o", Path.Combine(traceFolder.FullName, "t"),
                // mknod and bind create FIFOs and Unix sockets (the .NET runtime makes both in TMPDIR).
                "-e", "trace=open,openat,openat2,creat,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,link,linkat,symlink,symlinkat,truncate,rmdir,mknod,mknodat,bind",
            ];
            var r = DiceProcess.Run(args, environment, appDirectory: appDirectory, unset: unset, launcher: strace);
            var read = new SortedSet<string>(StringComparer.Ordinal);
            var written = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var file in traceFolder.EnumerateFiles("t.*"))
            {
                foreach (var line in File.ReadLines(file.FullName))
                {
                    Parse(line, read, written);
                }
            }
            Assert.True(read.Count > 0, "strace recorded no file opens: is strace installed (scripts/setup.sh) and allowed to trace?");
            return new Result(r.ExitCode, r.Stdout, r.Stderr, [.. read], [.. written]);
        }
        finally
        {
            traceFolder.Delete(recursive: true);
        }
    }

    /// <summary>Adds the paths of one strace line to the read or written set, when the call succeeded.</summary>
    internal static void Parse(string line, ISet<string> read, ISet<string> written)
    {
        var call = CallLine().Match(line);
        if (!call.Success || call.Groups["result"].Value.StartsWith('-'))
        {
            return;
        }
        var name = call.Groups["name"].Value;
        var paths = PathArguments(call.Groups["args"].Value);
        if (paths.Count == 0)
        {
            return;
        }
        switch (name)
        {
            case "bind":
                // Only a Unix socket bound to a path (not an abstract one, @"…") creates a file.
                var socket = SocketPath().Match(call.Groups["args"].Value);
                if (socket.Success)
                {
                    written.Add(Path.GetFullPath(Regex.Unescape(socket.Groups["path"].Value)));
                }
                break;
            case "open" or "openat" or "openat2":
                var flags = call.Groups["args"].Value;
                var writes = flags.Contains("O_WRONLY", StringComparison.Ordinal) || flags.Contains("O_RDWR", StringComparison.Ordinal)
                    || flags.Contains("O_CREAT", StringComparison.Ordinal) || flags.Contains("O_TRUNC", StringComparison.Ordinal);
                (writes ? written : read).Add(paths[0]);
                // -y shows the descriptor's real path: where a symbolic link on the way actually led.
                if (call.Groups["resolved"].Success)
                {
                    (writes ? written : read).Add(call.Groups["resolved"].Value);
                }
                break;
            default:
                foreach (var p in paths)
                {
                    written.Add(p);
                }
                break;
        }
    }

    /// <summary>
    /// The absolute paths a call names: a path argument after a directory descriptor (shown by -y as 3&lt;/dir&gt;, or
    /// AT_FDCWD, resolved against the working folder) or on its own.
    /// </summary>
    private static List<string> PathArguments(string args)
    {
        var paths = new List<string>();
        foreach (Match m in PathArgument().Matches(args))
        {
            var path = Regex.Unescape(m.Groups["path"].Value);
            var folder = m.Groups["dir"].Success ? m.Groups["dir"].Value : Environment.CurrentDirectory;
            paths.Add(Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(folder, path)));
        }
        return paths;
    }

    private static IReadOnlyList<string> Outside(IEnumerable<string> paths, string[] allowed)
    {
        var roots = allowed.Select(a => Path.TrimEndingDirectorySeparator(Path.GetFullPath(a))).ToArray();
        return [.. paths.Where(p => !roots.Any(r => p == r || p.StartsWith(r + "/", StringComparison.Ordinal)))];
    }

    [GeneratedRegex(@"sun_path=""(?<path>(?:[^""\\]|\\.)*)""")]
    private static partial Regex SocketPath();

    [GeneratedRegex(@"^(?<name>\w+)\((?<args>.*)\)\s+=\s+(?<result>-?\d+)(?:<(?<resolved>/[^>]*)>)?")]
    private static partial Regex CallLine();

    [GeneratedRegex("""(?:(?:\d+<(?<dir>[^>]*)>|AT_FDCWD),\s*)?"(?<path>(?:[^"\\]|\\.)*)"(?:<[^>]*>)?""")]
    private static partial Regex PathArgument();
}
