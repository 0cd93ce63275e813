namespace Dice.Runtime;

/// <summary>The ONNX Runtime execution provider a session runs on.</summary>
public enum ExecutionProvider
{
    Cpu,
    Cuda,
}
