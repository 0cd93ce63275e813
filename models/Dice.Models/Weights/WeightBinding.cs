using Dice.Safetensors;

namespace Dice.Models.Weights;

/// <summary>A model parameter and the checkpoint tensor that fills it (validated: names, shape and dtype fit).</summary>
public sealed record WeightBinding(string ModelName, IReadOnlyList<long> ModelShape, TensorInfo Tensor)
{
    public string CheckpointName => Tensor.Name;

    /// <summary>Whether the stored shape differs from the model's (trailing 1s), so the data is reshaped on load.</summary>
    public bool IsReshaped => !ShapeText.Equal(ModelShape, Tensor.Shape);

    public override string ToString() =>
        CheckpointName == ModelName ? $"{ModelName} {ShapeText.Format(ModelShape)}" : $"{ModelName} {ShapeText.Format(ModelShape)} ← {Tensor}";
}
