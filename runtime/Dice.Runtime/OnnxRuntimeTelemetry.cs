using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dice.Runtime;

/// <summary>
/// Keeps ONNX Runtime's telemetry off in every Linux process that loads Dice.Runtime. Since 1.32 the Linux package
/// starts a 1DS uploader when its environment is created: it writes a device id and an event database under
/// ~/.cache/Microsoft/DeveloperTools/.onnxruntime and a session file in /tmp. <c>ORT_DISABLE_TELEMETRY=1</c>,
/// read by the native library before that, is its only full opt-out (<c>DisableTelemetryEvents</c> comes too late).
/// .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not reach native code on Unix, so the
/// variable is set in the C library's environment, before any ONNX Runtime type is touched.
/// </summary>
public static partial class OnnxRuntimeTelemetry
{
    public const string DisableVariable = "ORT_DISABLE_TELEMETRY";

    /// <summary>Sets the opt-out unless the process was started with the variable already set. Idempotent.</summary>
    public static void TurnOff()
    {
        if (OperatingSystem.IsLinux())
        {
            _ = setenv(DisableVariable, "1", overwrite: 0);
        }
    }

    /// <summary>What the native library sees, for tests and `dice info`.</summary>
    public static string? NativeValue =>
        !OperatingSystem.IsLinux() ? null : Marshal.PtrToStringUTF8(getenv(DisableVariable));

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "It must run before any ONNX Runtime environment exists, whoever uses the library first.")]
    internal static void TurnOffOnLoad() => TurnOff();

    [LibraryImport("libc.so.6", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);

    [LibraryImport("libc.so.6", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr getenv(string name);
}
