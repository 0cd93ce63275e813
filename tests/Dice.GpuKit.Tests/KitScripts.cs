using System.Diagnostics;
using System.Security.Cryptography;

namespace Dice.GpuKit.Tests;

/// <summary>Runs the scripts in the repository's gpu-kit/ folder under bash.</summary>
internal static class KitScripts
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string Output => Stdout + Stderr;

        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
    }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string PathOf(string script) => Path.Combine(RepositoryRoot, "gpu-kit", script);

    /// <summary>
    /// Runs <paramref name="script"/> (a file name in gpu-kit/, or a full path) with <paramref name="args"/>; <paramref name="environment"/> values of
    /// null remove the variable.
    /// </summary>
    public static Result Run(string script, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot,
        };
        info.ArgumentList.Add(Path.IsPathRooted(script) ? script : PathOf(script));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        // Whatever the machine running the tests has, the scripts see only what each test gives them.
        info.Environment.Remove("DICE_GPU_PYTHON");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(HangGuard.Limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{script} {string.Join(' ', args)} did not finish in {HangGuard.Limit.TotalMinutes:0} minutes");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs <paramref name="file"/> (a program on PATH) and returns its standard output; fails the test unless it exits with 0.</summary>
    public static string Exec(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)}: exit {process.ExitCode}\n{stderr.Result}");
        return stdout.Result;
    }

    /// <summary>The inode number of <paramref name="path"/>: two names with the same one are hard links of one file.</summary>
    public static long Inode(string path) => long.Parse(Exec("stat", "-c", "%i", path).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The bytes a device call sends from this repository besides what it carries: tracked and untracked-not-ignored
    /// files, and shared/ if there is one (counted here with git and FileInfo, apart from pack.sh's own count).
    /// </summary>
    public static long WorkingTreeBytes()
    {
        var files = Exec("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => Path.GetFullPath(Path.Combine(RepositoryRoot, f)))
            .ToHashSet(StringComparer.Ordinal);
        var shared = Path.Combine(RepositoryRoot, "shared");
        if (Directory.Exists(shared))
        {
            files.UnionWith(Directory.GetFiles(shared, "*", SearchOption.AllDirectories));
        }
        return files.Where(File.Exists).Sum(f => new FileInfo(f).Length);
    }

    public static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Writes <paramref name="size"/> bytes that depend only on <paramref name="seed"/>.</summary>
    public static byte[] WriteRandomFile(string path, int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return bytes;
    }

    /// <summary>Writes an executable script.</summary>
    public static void WriteExecutable(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
        // The scripts run under bash, on Linux; the guard is for the platform analyzer.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>Flips every bit of the byte at <paramref name="offset"/>.</summary>
    public static void CorruptByte(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        int b = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(b ^ 0xFF));
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dice.sln")) && Directory.Exists(Path.Combine(dir.FullName, "gpu-kit")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException($"no repository (Dice.sln with gpu-kit/) above {AppContext.BaseDirectory}");
    }
}
