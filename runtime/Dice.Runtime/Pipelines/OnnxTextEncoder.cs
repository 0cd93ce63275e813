using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Dice.Runtime.Pipelines;

/// <summary>
/// A text encoder session: token ids [N, L] → last_hidden_state [N, L, d]. A DICE-fused encoder also takes the
/// optional inputs alpha, negative_input_ids and beta; they are fed only when the graph has them.
/// </summary>
internal sealed class OnnxTextEncoder : IDisposable
{
    public const string AlphaInput = "alpha";
    public const string BetaInput = "beta";
    public const string NegativeIdsInput = "negative_input_ids";

    private readonly InferenceSession session;
    private readonly NodeMetadata ids;
    private readonly string output;

    public OnnxTextEncoder(string path, SessionOptions options, string component)
    {
        OnnxExternalData.Check(path);
        session = new InferenceSession(path, options);
        Component = component;
        ids = SessionInputs.Require(session, "input_ids", component);
        output = SessionInputs.OutputName(session, "last_hidden_state");
    }

    public string Component { get; }

    public bool AcceptsAlpha => Optional(AlphaInput) is not null;

    public bool AcceptsBeta => Optional(BetaInput) is not null;

    public bool AcceptsNegativePrompt => Optional(NegativeIdsInput) is not null;

    /// <summary>An input with a default value: ONNX Runtime lists those as overridable initializers.</summary>
    private NodeMetadata? Optional(string name) =>
        session.InputMetadata.TryGetValue(name, out var m) ? m
        : session.OverridableInitializerMetadata.TryGetValue(name, out var o) ? o
        : null;

    /// <summary>Encodes N sequences of equal length; returns the hidden states and the width d.</summary>
    public (float[] Hidden, int Width) Encode(IReadOnlyList<int[]> tokens, double? alpha = null, IReadOnlyList<int[]>? negative = null,
        double? beta = null)
    {
        var length = tokens[0].Length;
        var flat = tokens.SelectMany(t => t.Select(i => (long)i)).ToArray();
        var inputs = new List<(string Name, BoundTensor Tensor)>
        {
            ("input_ids", Ids(ids, flat, tokens.Count, length)),
        };
        try
        {
            if (alpha is { } a && AcceptsAlpha)
            {
                inputs.Add((AlphaInput, Scalar(AlphaInput, a)));
            }
            if (negative is not null && AcceptsNegativePrompt)
            {
                var metadata = Optional(NegativeIdsInput)!;
                inputs.Add((NegativeIdsInput, Ids(metadata, negative.SelectMany(t => t.Select(i => (long)i)).ToArray(), negative.Count, length)));
                if (beta is { } b && Optional(BetaInput) is not null)
                {
                    inputs.Add((BetaInput, Scalar(BetaInput, b)));
                }
            }
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, inputs.Select(i => i.Name).ToArray(), inputs.Select(i => i.Tensor.Value).ToArray(), [output]);
            var value = results[0];
            var shape = value.GetTensorTypeAndShape().Shape;
            var width = (int)shape[^1];
            var hidden = value.GetTensorTypeAndShape().ElementDataType == TensorElementType.Float16
                ? ToFloat(MemoryMarshal.Cast<Float16, Half>(value.GetTensorDataAsSpan<Float16>()))
                : value.GetTensorDataAsSpan<float>().ToArray();
            return (hidden, width);
        }
        finally
        {
            foreach (var (_, tensor) in inputs)
            {
                tensor.Dispose();
            }
        }
    }

    private static float[] ToFloat(ReadOnlySpan<Half> values)
    {
        var result = new float[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = (float)values[i];
        }
        return result;
    }

    private static BoundTensor Ids(NodeMetadata metadata, long[] flat, int batch, int length)
    {
        var tensor = BoundTensor.Create(metadata.ElementDataType, batch, length);
        tensor.WriteIntegers(flat);
        return tensor;
    }

    private BoundTensor Scalar(string name, double value)
    {
        var metadata = Optional(name)!;
        var tensor = BoundTensor.Create(metadata.ElementDataType, metadata.Dimensions.Length == 0 ? [] : [1]);
        tensor.Write([(float)value]);
        return tensor;
    }

    public void Dispose() => session.Dispose();
}
