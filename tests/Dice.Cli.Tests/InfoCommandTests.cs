namespace Dice.Cli.Tests;

public class InfoCommandTests
{
    [Fact]
    public void Info_reports_onnx_runtime_and_libtorch()
    {
        var r = DiceProcess.Run(["info"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"onnxruntime\s+1\.32\.0 \(Microsoft\.ML\.OnnxRuntime\.Gpu\.Linux 1\.32\.0; providers: .*CPUExecutionProvider.*; telemetry off\)", r.Stdout);
        Assert.Matches(@"libtorch\s+\d+\.\d+\.\d+ \(threads: \d+, cuda: not available\)", r.Stdout);
        // The CUDA provider ships in the package; this CPU machine lacks the CUDA 13 runtime it loads.
        Assert.Matches(@"cuda EP\s+unavailable: .*the host cannot load .*libcudart\.so\.13 \(CUDA 13 runtime\)", r.Stdout);
        Assert.DoesNotContain("is not beside", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_libtorch_shim_is_reported_and_the_process_survives()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"absent-{Guid.NewGuid():N}", "libdice_torch.so");
        var r = DiceProcess.Run(["info"], new Dictionary<string, string> { ["DICE_TORCH_SHIM"] = missing });
        Assert.Equal(0, r.ExitCode);
        Assert.Contains($"libtorch      unavailable: the libtorch shim libdice_torch.so could not be loaded ({missing}: no such file)", r.Stdout,
            StringComparison.Ordinal);
        Assert.Contains("scripts/setup.sh", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("onnxruntime   1.32.0", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_verb_exits_non_zero_naming_it()
    {
        var r = DiceProcess.Run(["frobnicate"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Verb 'frobnicate' is not recognized", r.Stderr, StringComparison.Ordinal);
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
