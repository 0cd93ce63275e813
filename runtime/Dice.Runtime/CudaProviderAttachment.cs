using Microsoft.ML.OnnxRuntime;

namespace Dice.Runtime;

/// <summary>
/// Adds the CUDA execution provider to session options. Microsoft.ML.OnnxRuntime.Gpu.Linux ships it beside
/// libonnxruntime.so; <see cref="CudaProviderProbe"/> has checked the host's CUDA 13 and cuDNN 9 libraries first.
/// </summary>
internal static class CudaProviderAttachment
{
    public static void Append(SessionOptions sessionOptions, int deviceId)
    {
        try
        {
            sessionOptions.AppendExecutionProvider_CUDA(deviceId);
        }
        catch (OnnxRuntimeException exception)
        {
            throw new ExecutionProviderUnavailableException(
                ExecutionProvider.Cuda,
                $"ONNX Runtime could not add the CUDA execution provider for device {deviceId}: {exception.Message} " +
                "(are the CUDA 13 and cuDNN 9 libraries on LD_LIBRARY_PATH? `dice info` lists what is missing)",
                exception);
        }
    }
}
