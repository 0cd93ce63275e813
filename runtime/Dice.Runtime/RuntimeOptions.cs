using Microsoft.ML.OnnxRuntime;

namespace Dice.Runtime;

/// <summary>
/// How ONNX Runtime sessions are set up. Thread counts of 0 let ONNX Runtime choose.
/// An inter-op thread count above 1 also switches the session to parallel execution, the only mode that uses those threads.
/// </summary>
public sealed record RuntimeOptions
{
    public ExecutionProvider ExecutionProvider { get; init; } = ExecutionProvider.Cpu;

    public int CudaDeviceId { get; init; }

    public int IntraOpThreads { get; init; }

    public int InterOpThreads { get; init; }

    public GraphOptimizationLevel GraphOptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    public bool EnableCpuMemoryArena { get; init; } = true;

    /// <summary>ONNX Runtime's own log output on stderr; errors only by default (its warnings are advice to model
    /// authors, e.g. about optional inputs, not to the people running them).</summary>
    public OrtLoggingLevel LogLevel { get; init; } = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
}
