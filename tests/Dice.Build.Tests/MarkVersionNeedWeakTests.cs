using System.Diagnostics;
using Microsoft.Build.Utilities;

namespace Dice.Build.Tests;

/// <summary>The MSBuild task on hand-built libraries, with a hand-built stand-in for the system's libstdc++.</summary>
public sealed class MarkVersionNeedWeakTests
{
    private static readonly string[] OldLibStdCxx = ["GLIBCXX_3.4", "GLIBCXX_3.4.29", "GLIBCXX_3.4.30"];

    [Fact]
    public void Where_the_system_library_lacks_the_version_the_need_is_marked_weak()
    {
        using var dir = new TempDirectory();
        var library = Write(dir, "libLibTorchSharp.so", HandBuiltElf.Build());

        var (task, engine) = Run(dir, OldLibStdCxx, library);

        Assert.Equal([library], task.Patched.Select(p => p.ItemSpec));
        Assert.Equal(2, File.ReadAllBytes(library)[HandBuiltElf.Glibcxx32FlagsOffset]);
        Assert.Contains(engine.Messages, m => m.Contains("marked its need for GLIBCXX_3.4.32 weak", StringComparison.Ordinal)
            && m.Contains("does not define GLIBCXX_3.4.32", StringComparison.Ordinal));
        Assert.Empty(engine.Errors);
    }

    [Fact]
    public void Where_the_system_library_defines_the_version_nothing_changes()
    {
        using var dir = new TempDirectory();
        var library = Write(dir, "libLibTorchSharp.so", HandBuiltElf.Build());
        var before = File.ReadAllBytes(library);

        var (task, _) = Run(dir, [.. OldLibStdCxx, "GLIBCXX_3.4.31", "GLIBCXX_3.4.32"], library);

        Assert.Empty(task.Patched);
        Assert.Equal(before, File.ReadAllBytes(library));
    }

    [Fact]
    public void A_second_run_changes_nothing()
    {
        using var dir = new TempDirectory();
        var library = Write(dir, "libLibTorchSharp.so", HandBuiltElf.Build());
        Run(dir, OldLibStdCxx, library);
        var once = File.ReadAllBytes(library);
        var stamp = File.GetLastWriteTimeUtc(library);

        var (task, _) = Run(dir, OldLibStdCxx, library);

        Assert.Empty(task.Patched);
        Assert.Equal(once, File.ReadAllBytes(library));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(library));
    }

    [Theory]
    [InlineData("already weak", (ushort)2, "GLIBCXX_3.4.32")]
    [InlineData("version not needed", (ushort)0, "GLIBCXX_3.4.99")]
    public void Already_weak_and_absent_needs_are_left_alone(string what, ushort flags, string version)
    {
        using var dir = new TempDirectory();
        var library = Write(dir, "libLibTorchSharp.so", HandBuiltElf.Build(glibcxx32Flags: flags));
        var before = File.ReadAllBytes(library);

        var (task, engine) = Run(dir, OldLibStdCxx, library, version);

        Assert.True(task.Patched.Length == 0, what);
        Assert.Equal(before, File.ReadAllBytes(library));
        Assert.Empty(engine.Errors);
    }

    [Fact]
    public void A_version_that_a_relocation_uses_fails_the_build_and_is_not_touched()
    {
        using var dir = new TempDirectory();
        var library = Write(dir, "libLibTorchSharp.so", HandBuiltElf.Build(relocateIosInit: true));
        var before = File.ReadAllBytes(library);

        var (task, engine) = Run(dir, OldLibStdCxx, library, expectSuccess: false);

        Assert.Empty(task.Patched);
        Assert.Equal(before, File.ReadAllBytes(library));
        var error = Assert.Single(engine.Errors);
        Assert.Contains("_ZSt21ios_base_library_initv", error, StringComparison.Ordinal);
        Assert.Contains("cannot run on this host", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hard_link_is_replaced_and_the_file_it_shares_is_not_written()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("cache"));
        Directory.CreateDirectory(dir.File("bin"));
        var cached = Write(dir, "cache/libLibTorchSharp.so", HandBuiltElf.Build());
        var output = dir.File("bin/libLibTorchSharp.so");
        Exec("ln", cached, output);
        Assert.Equal("2", Exec("stat", "-c", "%h", cached));
        var before = File.ReadAllBytes(cached);

        Run(dir, OldLibStdCxx, output);

        Assert.Equal(before, File.ReadAllBytes(cached));
        Assert.Equal("1", Exec("stat", "-c", "%h", cached));
        Assert.NotEqual(Exec("stat", "-c", "%i", cached), Exec("stat", "-c", "%i", output));
        Assert.Equal(2, File.ReadAllBytes(output)[HandBuiltElf.Glibcxx32FlagsOffset]);
    }

    [Fact]
    public void The_patched_file_keeps_the_original_permissions_and_timestamp()
    {
        using var dir = new TempDirectory();
        var library = Write(dir, "libLibTorchSharp.so", HandBuiltElf.Build());
        File.SetUnixFileMode(library, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead);
        var stamp = new DateTime(2026, 5, 7, 12, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(library, stamp);

        Run(dir, OldLibStdCxx, library);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead,
            File.GetUnixFileMode(library));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(library));
        Assert.Equal(["libLibTorchSharp.so", "libstdc++.so.6"], dir.FileNames());
    }

    [Fact]
    public void Missing_files_are_skipped()
    {
        using var dir = new TempDirectory();

        var (task, engine) = Run(dir, OldLibStdCxx, dir.File("absent/libLibTorchSharp.so"));

        Assert.Empty(task.Patched);
        Assert.Empty(engine.Errors);
    }

    private static string Write(TempDirectory dir, string name, HandBuiltElf elf)
    {
        var path = dir.File(name);
        File.WriteAllBytes(path, elf.Bytes);
        return path;
    }

    private static (MarkVersionNeedWeak Task, RecordingBuildEngine Engine) Run(TempDirectory dir, string[] systemDefines, string library,
        string version = "GLIBCXX_3.4.32", bool expectSuccess = true)
    {
        var system = dir.File("libstdc++.so.6");
        File.WriteAllBytes(system, HandBuiltElf.Build(definitions: systemDefines).Bytes);
        var engine = new RecordingBuildEngine();
        var task = new MarkVersionNeedWeak
        {
            BuildEngine = engine,
            Files = [new TaskItem(library)],
            Library = "libstdc++.so.6",
            Version = version,
            SystemLibrary = system,
        };
        Assert.Equal(expectSuccess, task.Execute());
        return (task, engine);
    }

    private static string Exec(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {process.StandardError.ReadToEnd()}");
        return output.Trim();
    }
}
