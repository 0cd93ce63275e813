namespace Dice.Cli.Tests;

public class InfoCommandTests
{
    [Fact]
    public void Info_reports_onnx_runtime_and_libtorch()
    {
        var r = DiceProcess.Run(["info"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"onnxruntime\s+1\.32\.0 \(Microsoft\.ML\.OnnxRuntime\.Gpu\.Linux 1\.32\.0; providers: .*CPUExecutionProvider.*; telemetry off\)", r.Stdout);
        Assert.Matches(@"libtorch\s+2\.10\.0 \(TorchSharp 0\.107\.0; threads: \d+, cuda: not available\)", r.Stdout);
        // The CUDA provider ships in the package; this CPU machine lacks the CUDA 13 runtime it loads.
        Assert.Matches(@"cuda EP\s+unavailable: .*the host cannot load .*libcudart\.so\.13 \(CUDA 13 runtime\)", r.Stdout);
        Assert.DoesNotContain("is not beside", r.Stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// A libLibTorchSharp.so the loader refuses: dice info reports the loader's own reason instead of TorchSharp's
    /// "not restored" guess, never lets TorchSharp copy its natives beside the app, and still reports ONNX Runtime.
    /// </summary>
    [Fact]
    public void A_torchsharp_library_that_does_not_load_is_reported_with_the_loaders_reason()
    {
        using var app = new AppCopy("not an ELF file"u8.ToArray());

        var r = DiceProcess.Run(["info"], appDirectory: app.Path);

        Assert.Equal(0, r.ExitCode);
        Assert.Contains($"libtorch      unavailable: the loader cannot load {app.LibTorchSharp}: {app.LibTorchSharp}: file too short", r.Stdout,
            StringComparison.Ordinal);
        Assert.Contains("onnxruntime   1.32.0", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("restored", r.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(System.IO.Path.Combine(app.Path, "cpu")), "TorchSharp copied its natives beside the app");
    }

    /// <summary>
    /// The library as the TorchSharp package ships it, unmarked: where the system's libstdc++ lacks GLIBCXX_3.4.32
    /// (Debian 12 stops at 3.4.30) dice info names that version; where it has it, the library loads.
    /// </summary>
    [Fact]
    public void The_unmarked_package_library_is_refused_for_the_libstdcxx_version_it_names()
    {
        using var app = new AppCopy(File.ReadAllBytes(AppCopy.PackagedLibTorchSharp()));

        var r = DiceProcess.Run(["info"], appDirectory: app.Path);

        Assert.Equal(0, r.ExitCode);
        if (SystemLibStdCxxDefines("GLIBCXX_3.4.32"))
        {
            Assert.Matches(@"libtorch\s+2\.10\.0 \(TorchSharp 0\.107\.0;", r.Stdout);
        }
        else
        {
            Assert.Matches(@"libtorch      unavailable: the loader cannot load .*libLibTorchSharp\.so: .*libstdc\+\+\.so\.6: version `GLIBCXX_3\.4\.32' not found", r.Stdout);
        }
        Assert.False(Directory.Exists(System.IO.Path.Combine(app.Path, "cpu")), "TorchSharp copied its natives beside the app");
    }

    /// <summary>A training verb stops before TorchSharp's first use, with the same reason, and exits non-zero.</summary>
    [Fact]
    public void A_training_verb_stops_with_the_loaders_reason()
    {
        using var app = new AppCopy("not an ELF file"u8.ToArray());
        using var dir = new TempDirectory();

        var r = DiceProcess.Run(["train", "--teacher", dir.Path, "--data", dir.Path, "--out", dir.File("out")], appDirectory: app.Path);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"dice: error: libtorch is unavailable: the loader cannot load {app.LibTorchSharp}: {app.LibTorchSharp}: file too short",
            r.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(System.IO.Path.Combine(app.Path, "cpu")), "TorchSharp copied its natives beside the app");
    }

    /// <summary>The bytes "GLIBCXX_3.4.32\0" are in a libstdc++ exactly when it defines (or names) that version.</summary>
    private static bool SystemLibStdCxxDefines(string version)
    {
        var library = new[] { "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib64/libstdc++.so.6" }
            .First(File.Exists);
        return File.ReadAllBytes(library).AsSpan().IndexOf([.. System.Text.Encoding.ASCII.GetBytes(version), (byte)0]) >= 0;
    }

    /// <summary>
    /// A copy of the dice app beside these tests: dice.* copied, everything else linked, except runtimes/linux-x64/
    /// native/libLibTorchSharp.so, which holds the given bytes.
    /// </summary>
    private sealed class AppCopy : IDisposable
    {
        private readonly TempDirectory dir = new();

        public AppCopy(byte[] libTorchSharp)
        {
            var source = AppContext.BaseDirectory;
            foreach (var entry in Directory.EnumerateFileSystemEntries(source))
            {
                var name = System.IO.Path.GetFileName(entry);
                if (name.StartsWith("dice.", StringComparison.Ordinal))
                {
                    // Real copies: the host takes the app's folder from where dice.dll really is.
                    File.Copy(entry, System.IO.Path.Combine(Path, name));
                }
                else if (name != "runtimes")
                {
                    File.CreateSymbolicLink(System.IO.Path.Combine(Path, name), entry);
                }
            }
            var native = System.IO.Path.Combine(Path, "runtimes", "linux-x64", "native");
            Directory.CreateDirectory(native);
            foreach (var file in Directory.EnumerateFiles(System.IO.Path.Combine(source, "runtimes", "linux-x64", "native")))
            {
                if (System.IO.Path.GetFileName(file) != "libLibTorchSharp.so")
                {
                    File.CreateSymbolicLink(System.IO.Path.Combine(native, System.IO.Path.GetFileName(file)), file);
                }
            }
            LibTorchSharp = System.IO.Path.Combine(native, "libLibTorchSharp.so");
            File.WriteAllBytes(LibTorchSharp, libTorchSharp);
        }

        public string Path => dir.Path;

        public string LibTorchSharp { get; }

        /// <summary>The file in the NuGet cache, as TorchSharp 0.107 ships it.</summary>
        public static string PackagedLibTorchSharp()
        {
            var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
                ? configured
                : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            var path = System.IO.Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
            Assert.True(File.Exists(path), $"{path} is missing: restore first");
            return path;
        }

        public void Dispose() => dir.Dispose();
    }

    /// <summary>
    /// ONNX Runtime 1.32's Linux telemetry writes a device id and an event database under the user's cache folder when
    /// its environment starts; Dice sets ORT_DISABLE_TELEMETRY=1 in the C environment first. A user who sets the
    /// variable to 0 themselves gets ONNX Runtime's default back, which shows the check can see the files.
    /// ONNX Runtime also stays silent by itself when it sees a CI service's marker variable (the names below are the
    /// ones its library holds; with CI=true it writes nothing), so both runs drop them: otherwise, on a CI machine,
    /// the first half would pass without Dice doing anything and the second would find nothing.
    /// </summary>
    [Fact]
    public void Generating_writes_nothing_to_the_cache_folder_unless_the_user_turns_telemetry_back_on()
    {
        string[] ciMarkers =
        [
            "CI", "TF_BUILD", "GITHUB_ACTIONS", "GITLAB_CI", "CIRCLECI", "TRAVIS", "JENKINS_URL", "CODEBUILD_BUILD_ID",
            "BUILDKITE", "TEAMCITY_VERSION", "APPVEYOR", "BITBUCKET_BUILD_NUMBER", "ORT_DISABLE_TELEMETRY",
        ];
        using var off = new TempDirectory();
        var r = DiceProcess.Run(["generate", "a red circle", "--steps", "1", "--out", off.File("out.png")],
            new Dictionary<string, string> { ["HOME"] = off.File("home"), ["XDG_CACHE_HOME"] = off.File("cache") },
            unset: ciMarkers);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.False(Directory.Exists(off.File("home")), "dice wrote under $HOME");
        Assert.False(Directory.Exists(off.File("cache")), "dice wrote under $XDG_CACHE_HOME");

        using var on = new TempDirectory();
        Directory.CreateDirectory(on.File("tmp"));
        r = DiceProcess.Run(["generate", "a red circle", "--steps", "1", "--out", on.File("out.png")],
            new Dictionary<string, string>
            {
                ["HOME"] = on.File("home"), ["XDG_CACHE_HOME"] = on.File("cache"), ["TMPDIR"] = on.File("tmp"),
                ["ORT_DISABLE_TELEMETRY"] = "0",
            },
            unset: ciMarkers);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var written = new[] { on.File("home"), on.File("cache") }.Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories)).ToList();
        Assert.Contains(written, f => f.Contains(".onnxruntime", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_verb_exits_non_zero_naming_it()
    {
        var r = DiceProcess.Run(["frobnicate"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("dice: verb 'frobnicate' is not recognized: use one of generate, export, convert, inspect, info, train, mini, eval, data, half, tune (see dice --help)", r.Stderr.TrimEnd());
    }

    [Fact]
    public void Help_lists_the_verbs_and_exits_zero()
    {
        var r = DiceProcess.Run(["--help"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"info\s+Show what this installation can run", r.Stderr + r.Stdout);
        var verbHelp = DiceProcess.Run(["info", "--help"]);
        Assert.Equal(0, verbHelp.ExitCode);
    }
}
