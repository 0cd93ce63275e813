namespace Dice.GpuKit.Tests;

/// <summary>A small kit folder in the shape pack.sh assembles, with fake executables instead of the publishes.</summary>
internal static class FakeStage
{
    public const string BenchmarksFolder = "benchmarks/Dice.Benchmarks/bin/Release/net10.0";
    public const string Provider = "libonnxruntime_providers_cuda.so";

    /// <summary>
    /// The fake executables print what they were started with and exit with 7, so that a test sees run.sh hand
    /// over the exit status and the environment.
    /// </summary>
    private const string Reporter = """
        #!/bin/sh
        echo "started: $0 $*"
        echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
        echo "DICE_GPU_KIT=$DICE_GPU_KIT"
        if [ -e "$(dirname "$0")/libonnxruntime_providers_cuda.so" ]; then echo "provider beside me"; fi
        exit 7

        """;

    /// <summary>Writes the stage under <paramref name="path"/>: a 300 KB random "provider" and a few small files.</summary>
    public static void Create(string path)
    {
        KitScripts.WriteExecutable(Path.Combine(path, "dice", "dice"), Reporter);
        KitScripts.WriteRandomFile(Path.Combine(path, "dice", "libonnxruntime.so"), 20_000, seed: 11);
        KitScripts.WriteExecutable(Path.Combine(path, BenchmarksFolder, "Dice.Benchmarks"), Reporter);
        KitScripts.WriteRandomFile(Path.Combine(path, BenchmarksFolder, "libonnxruntime.so"), 20_000, seed: 11);
        File.WriteAllText(Path.Combine(path, "KIT-INFO"), "packed: by a test\n");
        Directory.CreateDirectory(Path.Combine(path, "native", "torch-shim"));
        File.WriteAllText(Path.Combine(path, "native", "torch-shim", "dice_torch.cpp"), "// not compiled by these tests\n");
        KitScripts.WriteRandomFile(Path.Combine(path, "provider", Provider), 300_000, seed: 12);
    }

    /// <summary>Every file under <paramref name="root"/> (relative, '/'-separated, sorted), but CONTENTS and the unpack stamp.</summary>
    public static string[] Files(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => f is not "CONTENTS" and not ".unpacked")
            .Order(StringComparer.Ordinal)
            .ToArray();
}

/// <summary>A stand-in for `python3` that answers run.sh's PyTorch probe with fixed lines, whatever it is asked.</summary>
internal static class StubPython
{
    public static string Write(string path, params string[] answers)
    {
        var echo = string.Concat(answers.Select(a => $"echo '{a.Replace("'", "'\\''", StringComparison.Ordinal)}'\n"));
        KitScripts.WriteExecutable(path, "#!/bin/sh\n" + echo);
        return path;
    }

    /// <summary>
    /// A PyTorch built for CUDA 13 that sees a GPU, with its nvidia/*/lib folders (holding empty files named as the
    /// libraries the CUDA provider loads) under <paramref name="directory"/>. Each of <paramref name="overrides"/>
    /// ("key=value") replaces one answer.
    /// </summary>
    public static string WriteCudaHost(string directory, params string[] overrides)
    {
        var cu13 = Path.Combine(directory, "site-packages", "nvidia", "cu13", "lib");
        var cudnn = Path.Combine(directory, "site-packages", "nvidia", "cudnn", "lib");
        Directory.CreateDirectory(cu13);
        Directory.CreateDirectory(cudnn);
        foreach (var lib in new[] { "libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libcurand.so.10" })
        {
            File.WriteAllBytes(Path.Combine(cu13, lib), []);
        }
        File.WriteAllBytes(Path.Combine(cudnn, "libcudnn.so.9"), []);
        var answers = new Dictionary<string, string>
        {
            ["torch_dir"] = Path.Combine(directory, "site-packages", "torch"),
            ["torch_version"] = "2.11.0+cu130",
            ["torch_cuda"] = "13.0",
            ["nvidia_dirs"] = cu13 + ":" + cudnn,
            ["cuda_available"] = "1",
            ["gpu_name"] = "Stub H100",
        };
        foreach (var line in overrides)
        {
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            answers[line[..equals]] = line[(equals + 1)..];
        }
        return Write(Path.Combine(directory, "python3"), answers.Select(a => $"{a.Key}={a.Value}").ToArray());
    }
}
