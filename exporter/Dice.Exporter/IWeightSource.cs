using Dice.Models;

namespace Dice.Exporter;

/// <summary>
/// Supplies parameter values to an export, one parameter at a time as the model declares it, so that large
/// models stream to disk without ever being held whole in memory.
/// </summary>
public interface IWeightSource
{
    /// <summary>Writes the float32 values of <paramref name="parameter"/> (row-major, its declared shape) into
    /// <paramref name="destination"/>, whose length is the parameter's element count.</summary>
    /// <exception cref="KeyNotFoundException">The source has no such parameter.</exception>
    /// <exception cref="InvalidDataException">The source's tensor does not match the declared shape.</exception>
    void Read(ParameterSpec parameter, Span<float> destination);
}
