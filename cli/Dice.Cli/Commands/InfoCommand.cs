using System.Runtime.InteropServices;
using CommandLine;
using Dice.Runtime;
using Dice.Torch;

namespace Dice.Cli.Commands;

[Verb("info", HelpText = "Show what this installation can run: ONNX Runtime and its execution providers, libtorch, CUDA.")]
public sealed class InfoOptions
{
}

/// <summary>`dice info`: one line per engine, saying what works and, where something is missing, what to install.</summary>
public static class InfoCommand
{
    public static int Run(InfoOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"dice          {typeof(InfoCommand).Assembly.GetName().Version}");
        output.WriteLine($".NET          {RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier})");
        output.WriteLine($"onnxruntime   {Describe(OnnxRuntimeReport)}");
        output.WriteLine($"  cuda EP     {Describe(() => OnnxRuntimeInfo.FindCudaProblem() is { } problem ? $"unavailable: {problem}" : "available")}");
        output.WriteLine($"libtorch      {Describe(TorchReport)}");
        return ExitCodes.Ok;
    }

    private static string OnnxRuntimeReport() =>
        $"{OnnxRuntimeInfo.Version} ({OnnxRuntimeInfo.Package}; providers: {string.Join(", ", OnnxRuntimeInfo.AvailableProviders)}; " +
        $"telemetry {(OnnxRuntimeTelemetry.NativeValue == "1" ? "off" : "on")})";

    private static string TorchReport() =>
        $"{torch.__version__} (threads: {torch.get_num_threads()}, cuda: " +
        (torch.cuda.is_available() ? $"{torch.cuda.device_count()} device(s))" : "not available)");

    /// <summary>A missing engine is a line of the report, not a failure of the command.</summary>
    private static string Describe(Func<string> probe)
    {
        try
        {
            return probe();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or TorchException or InvalidOperationException)
        {
            var inner = e is TypeInitializationException { InnerException: { } i } ? i : e;
            return $"unavailable: {inner.Message}";
        }
    }
}
