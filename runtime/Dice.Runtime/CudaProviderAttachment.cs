using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace Dice.Runtime;

/// <summary>
/// Adds the CUDA execution provider to session options, in whichever way the loaded ONNX Runtime supports:
/// a build with CUDA compiled in (the official Microsoft.ML.OnnxRuntime.Gpu package) takes it directly; the
/// CPU build from the npm package only takes it as a plugin library (libonnxruntime_providers_cuda.so
/// registered with the environment, then selected by device).
/// </summary>
internal static class CudaProviderAttachment
{
    private const string EpName = "CUDAExecutionProvider";
    private const string RegistrationName = "CUDA";
    private static readonly Lock RegistrationLock = new();
    private static bool s_registered;

    public static void Append(SessionOptions sessionOptions, int deviceId)
    {
        OrtEnv env = OrtEnv.Instance();
        try
        {
            if (env.GetAvailableProviders().Contains(EpName))
            {
                sessionOptions.AppendExecutionProvider_CUDA(deviceId);
                return;
            }

            RegisterProviderLibrary(env);
            OrtEpDevice device = FindDevice(env, deviceId);
            string id = deviceId.ToString(CultureInfo.InvariantCulture);
            sessionOptions.AppendExecutionProvider(env, [device], new Dictionary<string, string> { ["device_id"] = id });
        }
        catch (OnnxRuntimeException exception)
        {
            throw new ExecutionProviderUnavailableException(
                ExecutionProvider.Cuda,
                $"ONNX Runtime could not add the CUDA execution provider for device {deviceId}: {exception.Message} " +
                $"(is {CudaProviderProbe.ProviderLibraryFileName} from {CudaProviderProbe.InstallScript} beside " +
                "libonnxruntime.so, and are the CUDA 13 and cuDNN 9 libraries on LD_LIBRARY_PATH?)",
                exception);
        }
    }

    private static void RegisterProviderLibrary(OrtEnv env)
    {
        lock (RegistrationLock)
        {
            if (s_registered)
            {
                return;
            }

            string path = Path.Combine(OnnxRuntimeInfo.NativeLibraryDirectory, CudaProviderProbe.ProviderLibraryFileName);
            env.RegisterExecutionProviderLibrary(RegistrationName, path);
            s_registered = true;
        }
    }

    private static OrtEpDevice FindDevice(OrtEnv env, int deviceId)
    {
        var cudaDevices = env.GetEpDevices().Where(d => d.EpName == EpName).ToList();
        var ordinals = cudaDevices.Select(ReadDeviceOrdinal).ToList();

        // The CUDA factory numbers its devices in "device_id"; without it, fall back to their order.
        int index = ordinals.All(o => o is null) ? deviceId : ordinals.IndexOf(deviceId);
        if (index >= 0 && index < cudaDevices.Count)
        {
            return cudaDevices[index];
        }

        throw new ExecutionProviderUnavailableException(
            ExecutionProvider.Cuda,
            $"ONNX Runtime's CUDA provider library loaded but offers no CUDA device {deviceId} " +
            $"({cudaDevices.Count} CUDA device(s) found): check the GPU driver and that the device is visible to this process.");
    }

    private static int? ReadDeviceOrdinal(OrtEpDevice device)
    {
        using OrtKeyValuePairs options = device.EpOptions;
        return options.Entries.TryGetValue("device_id", out string? id)
            && int.TryParse(id, NumberStyles.Integer, CultureInfo.InvariantCulture, out int ordinal)
                ? ordinal
                : null;
    }
}
