namespace Dice.Exporter;

/// <summary>
/// Runs an ONNX text encoder once: model path and token ids → last_hidden_state [1, L, d], row-major float32.
/// The exporter writes graphs and never runs them, so whoever calls it brings the runtime.
/// </summary>
public delegate float[] TextEncoderRun(string encoderModelPath, int[] inputIds);
