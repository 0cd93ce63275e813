namespace Dice.Runtime.Pipelines;

/// <summary>One-off text encodings on the CPU, for callers outside a pipeline (the exporter's empty-prompt embedding).</summary>
public static class OnnxTextEncoding
{
    /// <summary>The encoder's last_hidden_state for one sequence of ids, [1, L, d] row-major as float32.</summary>
    public static float[] LastHiddenState(string encoderModelPath, int[] inputIds)
    {
        using var options = SessionOptionsFactory.Create(new RuntimeOptions());
        using var encoder = new OnnxTextEncoder(encoderModelPath, options, "text_encoder");
        return encoder.Encode([inputIds]).Hidden;
    }
}
