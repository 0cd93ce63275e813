namespace Dice.Models.Weights;

/// <summary>A checkpoint tensor whose shape does not fit the model parameter it names.</summary>
public sealed record ShapeMismatch(string ModelName, string CheckpointName, IReadOnlyList<long> ModelShape, IReadOnlyList<long> CheckpointShape)
{
    public override string ToString()
    {
        var source = CheckpointName == ModelName ? "" : $" (stored as '{CheckpointName}')";
        return $"{ModelName}{source}: checkpoint {ShapeText.Format(CheckpointShape)}, model {ShapeText.Format(ModelShape)}";
    }
}
