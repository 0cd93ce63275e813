using Microsoft.ML.OnnxRuntime;

namespace Dice.Runtime;

/// <summary>Builds ONNX Runtime <see cref="SessionOptions"/> from <see cref="RuntimeOptions"/>.</summary>
public static class SessionOptionsFactory
{
    /// <summary>
    /// Creates session options for <paramref name="options"/>; the caller owns (disposes) them.
    /// </summary>
    /// <exception cref="ExecutionProviderUnavailableException">The execution provider cannot run here.</exception>
    public static SessionOptions Create(RuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.IntraOpThreads);
        ArgumentOutOfRangeException.ThrowIfNegative(options.InterOpThreads);
        ArgumentOutOfRangeException.ThrowIfNegative(options.CudaDeviceId);

        // Checked before anything native is created, so a refusal leaves nothing to clean up.
        if (options.ExecutionProvider == ExecutionProvider.Cuda
            && OnnxRuntimeInfo.FindCudaProblem(options.CudaDeviceId) is { } problem)
        {
            throw new ExecutionProviderUnavailableException(ExecutionProvider.Cuda, problem);
        }

        var sessionOptions = new SessionOptions();
        try
        {
            sessionOptions.IntraOpNumThreads = options.IntraOpThreads;
            sessionOptions.InterOpNumThreads = options.InterOpThreads;
            sessionOptions.ExecutionMode = options.InterOpThreads > 1
                ? ExecutionMode.ORT_PARALLEL
                : ExecutionMode.ORT_SEQUENTIAL;
            sessionOptions.GraphOptimizationLevel = options.GraphOptimizationLevel;
            sessionOptions.EnableCpuMemArena = options.EnableCpuMemoryArena;
            sessionOptions.LogSeverityLevel = options.LogLevel;

            switch (options.ExecutionProvider)
            {
                case ExecutionProvider.Cpu:
                    break;
                case ExecutionProvider.Cuda:
                    CudaProviderAttachment.Append(sessionOptions, options.CudaDeviceId);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(options), options.ExecutionProvider, "Unknown execution provider.");
            }

            return sessionOptions;
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
    }
}
