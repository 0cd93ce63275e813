namespace Dice.GpuKit.Tests;

/// <summary>
/// run.sh on a machine without PyTorch, without a CUDA build of it, or without a GPU: it refuses with exit status 3
/// and names what is missing, before it unpacks anything. Each case answers run.sh's probe with a stub Python
/// (DICE_GPU_PYTHON), so the result does not depend on what the machine running the tests has.
/// </summary>
public sealed class HostCheckTests
{
    private const string Lacks = "gpu-kit: error: this machine lacks what the Dice GPU kit needs:";

    private static KitScripts.Result RunDiceInfo(TempDirectory dir, string python)
    {
        // No kit is needed: the host is checked first.
        Directory.CreateDirectory(dir.File("carry"));
        return KitScripts.Run(
            "run.sh",
            ["--carry", dir.File("carry"), "--", "dice", "info"],
            new Dictionary<string, string?> { ["DICE_GPU_PYTHON"] = python });
    }

    private static void AssertRefused(TempDirectory dir, KitScripts.Result r, params string[] reasons)
    {
        Assert.True(r.ExitCode == 3, r.ToString());
        Assert.StartsWith(Lacks, r.Stderr, StringComparison.Ordinal);
        foreach (var reason in reasons)
        {
            Assert.Contains(reason, r.Stderr, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("gpu-kit: running:", r.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("kit")), "run.sh unpacked on a host it refused");
    }

    [Fact]
    public void Without_python_it_names_python_and_PyTorch()
    {
        using var dir = new TempDirectory();

        var r = RunDiceInfo(dir, dir.File("no-such-python3"));

        AssertRefused(dir, r, $"Python: '{dir.File("no-such-python3")}' was not found", "PyTorch cannot be found", "DICE_GPU_PYTHON");
    }

    [Fact]
    public void Without_PyTorch_it_names_the_failed_import_and_what_to_install()
    {
        using var dir = new TempDirectory();
        var python = StubPython.Write(dir.File("python3"), "import_error=ModuleNotFoundError: No module named 'torch'");

        var r = RunDiceInfo(dir, python);

        AssertRefused(dir, r, "cannot import torch (ModuleNotFoundError: No module named 'torch')", "PyTorch built for CUDA 13 (cu130)");
    }

    [Fact]
    public void With_a_CPU_only_PyTorch_it_says_CUDA_is_missing()
    {
        using var dir = new TempDirectory();
        var python = StubPython.WriteCudaHost(dir.File("host"), "torch_version=2.11.0+cpu", "torch_cuda=");

        var r = RunDiceInfo(dir, python);

        AssertRefused(dir, r, "CUDA: PyTorch 2.11.0+cpu in", "is a CPU-only build; the kit needs one built for CUDA 13 (cu130)");
    }

    [Fact]
    public void With_PyTorch_for_another_CUDA_it_names_both_versions()
    {
        using var dir = new TempDirectory();
        var python = StubPython.WriteCudaHost(dir.File("host"), "torch_cuda=12.8");

        var r = RunDiceInfo(dir, python);

        AssertRefused(dir, r, "is built for CUDA 12.8; the ONNX Runtime CUDA provider in the kit needs CUDA 13 (cu130)");
    }

    [Fact]
    public void Without_a_visible_GPU_it_names_the_driver()
    {
        using var dir = new TempDirectory();
        var python = StubPython.WriteCudaHost(dir.File("host"), "cuda_available=0");

        var r = RunDiceInfo(dir, python);

        AssertRefused(dir, r, "GPU: PyTorch 2.11.0+cu130 sees no usable GPU", "libcuda.so.1");
    }

    [Fact]
    public void Without_cuDNN_9_it_names_the_missing_library_and_where_it_looked()
    {
        using var dir = new TempDirectory();
        var python = StubPython.WriteCudaHost(dir.File("host"));
        File.Delete(Path.Combine(dir.File("host"), "site-packages", "nvidia", "cudnn", "lib", "libcudnn.so.9"));
        Directory.CreateDirectory(dir.File("carry"));

        var r = KitScripts.Run(
            "run.sh",
            ["--carry", dir.File("carry"), "--", "dice", "info"],
            new Dictionary<string, string?> { ["DICE_GPU_PYTHON"] = python, ["LD_LIBRARY_PATH"] = null });

        AssertRefused(dir, r, "CUDA libraries: libcudnn.so.9 found neither in PyTorch's site-packages/nvidia/*/lib", "nvidia-cudnn-cu13");
        Assert.DoesNotContain("libcublas.so.13", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void When_python_itself_fails_it_shows_the_last_line_of_its_output()
    {
        using var dir = new TempDirectory();
        var python = dir.File("python3");
        KitScripts.WriteExecutable(python, "#!/bin/sh\necho 'Fatal Python error: init_fs_encoding' >&2\nexit 1\n");

        var r = RunDiceInfo(dir, python);

        AssertRefused(dir, r, $"Python: '{python}' failed to run: Fatal Python error: init_fs_encoding");
    }

    [Fact]
    public void The_host_verb_passes_on_a_CUDA_host_and_names_the_GPU()
    {
        using var dir = new TempDirectory();
        var python = StubPython.WriteCudaHost(dir.File("host"));

        var r = KitScripts.Run("run.sh", ["--carry", dir.File("carry"), "host"], new Dictionary<string, string?> { ["DICE_GPU_PYTHON"] = python });

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("GPU: Stub H100", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_command_it_shows_the_usage()
    {
        var r = KitScripts.Run("run.sh", []);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("gpu-kit: error: no command given", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("usage: run.sh", r.Stderr, StringComparison.Ordinal);
    }
}
