namespace Dice.GpuKit.Tests;

/// <summary>
/// run.sh with the kit ONNX Runtime work runs from: no libtorch shim is built or asked for any more (its option, its
/// exit status and its build step are gone), and the provider is used where the publish put it.
/// </summary>
public sealed class RunScriptTests
{
    [Fact]
    public void The_no_shim_option_is_gone()
    {
        using var dir = new TempDirectory();

        var r = KitScripts.Run("run.sh", ["--carry", dir.File("carry"), "--no-shim", "host"]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("gpu-kit: error: unknown option '--no-shim'", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_usage_names_no_shim_and_the_exit_statuses_that_remain()
    {
        var r = KitScripts.Run("run.sh", ["--help"]);

        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain("shim", r.Stdout, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Exit status: COMMAND's own; 2 bad usage; 3 the host lacks what the kit needs; 4 the kit is incomplete or corrupt.", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shim_build_script_in_the_kit_is_not_run_and_no_compiler_is_asked_for()
    {
        using var dir = new TempDirectory();
        var stage = dir.File("stage");
        FakeStage.Create(stage);
        // What an old kit held and run.sh used to build: if anything runs it, the marker appears.
        var marker = dir.File("shim-was-built");
        KitScripts.WriteExecutable(
            Path.Combine(stage, "native", "torch-shim", "build.sh"),
            $"#!/bin/sh\ntouch '{marker}'\nexit 1\n");
        var pack = KitScripts.Run("pack.sh", ["--from-stage", stage, "--out", dir.File("out"), "--chunk-bytes", "65536"]);
        Assert.True(pack.ExitCode == 0, pack.ToString());
        var python = StubPython.WriteCudaHost(dir.File("host"));

        var r = KitScripts.Run(
            "run.sh",
            ["--carry", Path.Combine(dir.File("out"), "carry"), "--", "dice", "info"],
            new Dictionary<string, string?> { ["DICE_GPU_PYTHON"] = python, ["LD_LIBRARY_PATH"] = null });

        Assert.True(r.ExitCode == 7, r.ToString());
        Assert.False(File.Exists(marker), "run.sh ran the kit's native/torch-shim/build.sh");
        Assert.DoesNotContain("shim", r.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("g++", r.Output, StringComparison.Ordinal);
        Assert.Contains("provider beside me", r.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.File("out"), "kit", "dice", "libdice_torch.so")), "run.sh put a shim beside dice");
        Assert.Equal(
            KitScripts.Sha256(Path.Combine(stage, "dice", FakeStage.Provider)),
            KitScripts.Sha256(Path.Combine(dir.File("out"), "kit", "dice", FakeStage.Provider)));
    }
}
