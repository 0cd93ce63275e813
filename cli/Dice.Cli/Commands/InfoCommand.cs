using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CommandLine;
using Dice.Runtime;
using Dice.Trainer;
using TorchSharp;

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

    /// <summary>The loader is asked first: TorchSharp's own failure text blames the package whatever the cause.</summary>
    private static string TorchReport() =>
        TorchNative.LoadProblem() is { } problem ? $"unavailable: {problem}" : LoadedTorchReport();

    /// <summary>Apart, so that TorchSharp is first touched (its type initializer loads the natives) only once they load.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string LoadedTorchReport() =>
        $"{NormalizeVersion(torch.__version__)} (TorchSharp {TorchSharpVersion()}; threads: {torch.get_num_threads()}, cuda: " +
        (torch.cuda.is_available() ? $"{torch.cuda.device_count()} device(s))" : "not available)");

    private static string TorchSharpVersion() =>
        typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "unknown";

    /// <summary>TorchSharp reports libtorch 2.10.0 as "2.10.0.0".</summary>
    private static string NormalizeVersion(string version) =>
        Version.TryParse(version, out var v) && v.Revision == 0 ? v.ToString(3) : version;

    /// <summary>A missing engine is a line of the report, not a failure of the command.</summary>
    private static string Describe(Func<string> probe)
    {
        try
        {
            return probe();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or InvalidOperationException or ExternalException)
        {
            var inner = e is TypeInitializationException { InnerException: { } i } ? i : e;
            return $"unavailable: {inner.Message}";
        }
    }
}
