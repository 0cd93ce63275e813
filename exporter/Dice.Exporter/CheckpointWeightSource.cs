using Dice.Models;
using Dice.Models.Weights;

namespace Dice.Exporter;

/// <summary>
/// Parameter values from a checkpoint validated against the model (<see cref="WeightSource"/>: every parameter
/// present with a fitting shape, names mapped from diffusers' and transformers' layouts, nothing left over).
/// </summary>
public sealed class CheckpointWeightSource : IWeightSource
{
    private readonly WeightSource source;

    public CheckpointWeightSource(WeightSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        this.source = source;
    }

    public void Read(ParameterSpec parameter, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var binding = source.GetBinding(parameter.Name);
        if (!binding.ModelShape.SequenceEqual(parameter.Shape))
        {
            throw new InvalidDataException(
                $"'{parameter.Name}' was validated as [{string.Join(", ", binding.ModelShape)}]; the model now declares [{string.Join(", ", parameter.Shape)}]");
        }
        source.ReadFloat32(parameter.Name, destination);
    }
}
