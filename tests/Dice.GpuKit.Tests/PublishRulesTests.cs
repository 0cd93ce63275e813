using System.Globalization;

namespace Dice.GpuKit.Tests;

/// <summary>
/// What pack.sh requires of the two publishes before it seals a kit (the same rules for a full pack and for
/// --from-stage): libtorch's natives and the TensorRT provider dropped, nothing libtorch-like left, ONNX Runtime with
/// its CUDA provider in each publish. A refused stage leaves no parts to carry.
/// </summary>
[Trait(Tier.Name, Tier.Slow)]
public sealed class PublishRulesTests
{
    private const string ChunkBytes = "65536";

    private static KitScripts.Result Pack(TempDirectory dir, string stage) =>
        KitScripts.Run("pack.sh", ["--from-stage", stage, "--out", dir.File("out"), "--chunk-bytes", ChunkBytes]);

    private static void AssertRefused(TempDirectory dir, KitScripts.Result r, params string[] reasons)
    {
        Assert.True(r.ExitCode == 3, r.ToString());
        Assert.StartsWith($"pack.sh: error: {dir.File("stage")} is not fit to carry to the GPU machine:", r.Stderr, StringComparison.Ordinal);
        foreach (var reason in reasons)
        {
            Assert.Contains(reason, r.Stderr, StringComparison.Ordinal);
        }
        Assert.False(File.Exists(Path.Combine(dir.File("out"), "carry", "MANIFEST")), "a refused stage was sealed");
    }

    [Fact]
    public void Libtorch_natives_the_old_shim_and_the_TensorRT_provider_are_dropped_from_both_publishes()
    {
        using var dir = new TempDirectory();
        var stage = dir.File("stage");
        FakeStage.Create(stage);
        var before = FakeStage.Files(stage);
        FakeStage.AddDroppedFiles(stage);

        var r = Pack(dir, stage);

        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (var (folder, _) in FakeStage.Publishes)
        {
            Assert.Contains($"{folder}/: dropped {FakeStage.Dropped.Length} file(s)", r.Stdout, StringComparison.Ordinal);
        }
        Assert.Equal(before, FakeStage.Files(stage));
        var contents = File.ReadAllLines(Path.Combine(dir.File("out"), "CONTENTS")).Select(l => l.Split(' ')[2]);
        Assert.Equal(before, contents);

        var unpack = KitScripts.Run("run.sh", ["--carry", Path.Combine(dir.File("out"), "carry"), "unpack"]);
        Assert.True(unpack.ExitCode == 0, unpack.ToString());
        Assert.Equal(before, FakeStage.Files(Path.Combine(dir.File("out"), "kit")));
    }

    [Fact]
    public void Without_anything_to_drop_nothing_is_reported_dropped()
    {
        using var dir = new TempDirectory();
        var stage = dir.File("stage");
        FakeStage.Create(stage);

        var r = Pack(dir, stage);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.DoesNotContain("dropped", r.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dice", "libtorch_cuda.so")]
    [InlineData(FakeStage.BenchmarksFolder, "libc10_cuda.so")]
    [InlineData("dice", "runtimes/linux-x64/native/libtorch_cpu.so/")]
    public void A_libtorch_native_left_anywhere_in_the_kit_is_refused_by_name(string folder, string name)
    {
        using var dir = new TempDirectory();
        var stage = dir.File("stage");
        FakeStage.Create(stage);
        var path = Path.Combine(stage, folder, name);
        if (name.EndsWith('/'))
        {
            // A folder by a dropped name: pack.sh deletes files only, and the check after the drop still sees it.
            Directory.CreateDirectory(path);
        }
        else
        {
            KitScripts.WriteRandomFile(path, 1_000, seed: 1);
        }

        var r = Pack(dir, stage);

        AssertRefused(dir, r, $"are left in it: {folder}/{name.TrimEnd('/')}", "-p:DiceTorchBackend=cuda", "ONNX Runtime work only");
    }

    [Theory]
    [InlineData("dice", FakeStage.Provider)]
    [InlineData(FakeStage.BenchmarksFolder, FakeStage.Provider)]
    [InlineData("dice", "libonnxruntime.so")]
    [InlineData(FakeStage.BenchmarksFolder, "libonnxruntime_providers_shared.so")]
    public void A_publish_without_one_of_ONNX_Runtimes_natives_is_refused(string folder, string name)
    {
        using var dir = new TempDirectory();
        var stage = dir.File("stage");
        FakeStage.Create(stage);
        File.Delete(Path.Combine(stage, folder, name));

        var r = Pack(dir, stage);

        AssertRefused(dir, r, $"{folder}/ lacks {name}, which the NuGet package Microsoft.ML.OnnxRuntime.Gpu.Linux puts in every linux-x64 publish");
    }

    [Fact]
    public void A_stage_without_the_benchmarks_publish_is_refused_and_every_problem_is_named()
    {
        using var dir = new TempDirectory();
        var stage = dir.File("stage");
        FakeStage.Create(stage);
        Directory.Delete(Path.Combine(stage, "benchmarks"), recursive: true);
        File.Delete(Path.Combine(stage, "dice", "libcoreclr.so"));

        var r = Pack(dir, stage);

        AssertRefused(
            dir,
            r,
            $"{FakeStage.BenchmarksFolder}/: no publish of Dice.Benchmarks there",
            "dice/ lacks libcoreclr.so: it is not a self-contained linux-x64 publish of dice");
    }

    [Fact]
    public void The_npm_provider_option_is_gone()
    {
        using var dir = new TempDirectory();
        var stage = dir.File("stage");
        FakeStage.Create(stage);

        var r = KitScripts.Run("pack.sh", ["--from-stage", stage, "--out", dir.File("out"), "--provider", dir.File("provider")]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("pack.sh: error: unknown argument '--provider'", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("npm", KitScripts.Run("pack.sh", ["--help"]).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_usage_names_every_exit_status()
    {
        var r = KitScripts.Run("pack.sh", ["--help"]);

        Assert.Equal(0, r.ExitCode);
        foreach (var status in new[] { "0 packed", "1 a step failed", "2 bad usage", "3 refused" })
        {
            Assert.Contains(status, r.Stdout.ReplaceLineEndings(" ").Replace("# ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        }
        using var dir = new TempDirectory();
        Assert.Equal(2, KitScripts.Run("pack.sh", ["--out", dir.File("out"), "--chunk-mib", "0"]).ExitCode);
        var noStage = KitScripts.Run("pack.sh", ["--out", dir.File("out"), "--from-stage", dir.File("no-such-stage")]);
        Assert.Equal(2, noStage.ExitCode);
        Assert.Contains($"pack.sh: error: --from-stage {dir.File("no-such-stage")}: no such folder", noStage.Stderr, StringComparison.Ordinal);
    }
}
