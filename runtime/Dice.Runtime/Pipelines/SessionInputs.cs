using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Dice.Runtime.Pipelines;

/// <summary>Reads what a session expects of its inputs, so inputs are built to match any exporter's choices.</summary>
internal static class SessionInputs
{
    public static NodeMetadata Require(InferenceSession session, string name, string component)
    {
        if (!session.InputMetadata.TryGetValue(name, out var metadata))
        {
            throw new InvalidDataException(
                $"{component} has no input '{name}' (it has {string.Join(", ", session.InputMetadata.Keys)}): not a Stable Diffusion export");
        }
        return metadata;
    }

    public static TensorElementType ElementType(NodeMetadata metadata) => metadata.ElementDataType;

    /// <summary>The static size of a dim, or null when it is dynamic.</summary>
    public static int? StaticDim(NodeMetadata metadata, int index) =>
        index < metadata.Dimensions.Length && metadata.Dimensions[index] > 0 ? metadata.Dimensions[index] : null;

    public static string OutputName(InferenceSession session, string preferred) =>
        session.OutputMetadata.ContainsKey(preferred) ? preferred : session.OutputMetadata.Keys.First();
}
