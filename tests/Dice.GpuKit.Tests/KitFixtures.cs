namespace Dice.GpuKit.Tests;

/// <summary>A small kit folder in the shape pack.sh assembles, with fake executables and natives instead of the publishes.</summary>
internal static class FakeStage
{
    public const string BenchmarksFolder = "benchmarks/Dice.Benchmarks/bin/Release/net10.0";
    public const string Provider = "libonnxruntime_providers_cuda.so";

    /// <summary>The two publishes: folder in the kit and executable.</summary>
    public static readonly (string Folder, string Executable)[] Publishes = [("dice", "dice"), (BenchmarksFolder, "Dice.Benchmarks")];

    /// <summary>
    /// What a linux-x64 publish holds from TorchSharp 0.107.0 + libtorch-cpu-linux-x64 2.10.0 (names as in those
    /// packages), the old shim, and ONNX Runtime's TensorRT provider: everything pack.sh drops.
    /// </summary>
    public static readonly string[] Dropped =
    [
        "libtorch.so", "libtorch_cpu.so", "libtorch_global_deps.so", "libtorch_python.so", "libtorchbind_test.so", "libc10.so",
        "libLibTorchSharp.so", "libgomp-98b21ff3.so.1", "libshm.so", "libjitbackend_test.so", "libnnapi_backend.so",
        "libaoti_custom_ops.so", "libbackend_with_compiler.so", "libdice_torch.so", "libonnxruntime_providers_tensorrt.so",
    ];

    /// <summary>
    /// The fake executables print what they were started with and exit with 7, so that a test sees run.sh hand
    /// over the exit status and the environment.
    /// </summary>
    private const string Reporter = """
        #!/bin/sh
        echo "started: $0 $*"
        echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
        echo "DICE_GPU_KIT=$DICE_GPU_KIT"
        provider="$(dirname "$0")/libonnxruntime_providers_cuda.so"
        if [ -f "$provider" ] && [ ! -L "$provider" ]; then echo "provider beside me"; fi
        exit 7

        """;

    /// <summary>
    /// Writes the stage under <paramref name="path"/>: in each publish its executable, a 300 KB random "CUDA
    /// provider", ONNX Runtime's other natives and the .NET natives pack.sh looks for, the same bytes in both.
    /// </summary>
    public static void Create(string path)
    {
        foreach (var (folder, executable) in Publishes)
        {
            var dir = Path.Combine(path, folder);
            KitScripts.WriteExecutable(Path.Combine(dir, executable), Reporter);
            KitScripts.WriteRandomFile(Path.Combine(dir, "libonnxruntime.so"), 20_000, seed: 11);
            KitScripts.WriteRandomFile(Path.Combine(dir, Provider), 300_000, seed: 12);
            KitScripts.WriteRandomFile(Path.Combine(dir, "libonnxruntime_providers_shared.so"), 5_000, seed: 13);
            KitScripts.WriteRandomFile(Path.Combine(dir, "libcoreclr.so"), 3_000, seed: 14);
            KitScripts.WriteRandomFile(Path.Combine(dir, "libSystem.Native.so"), 2_000, seed: 15);
        }
        File.WriteAllText(Path.Combine(path, "KIT-INFO"), "packed: by a test\n");
    }

    /// <summary>Adds every file of <see cref="Dropped"/> (1 KB each) to both publishes.</summary>
    public static void AddDroppedFiles(string path)
    {
        foreach (var (folder, _) in Publishes)
        {
            for (int i = 0; i < Dropped.Length; i++)
            {
                KitScripts.WriteRandomFile(Path.Combine(path, folder, Dropped[i]), 1_000, seed: 100 + i);
            }
        }
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
