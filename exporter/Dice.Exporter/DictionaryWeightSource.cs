using Dice.Models;

namespace Dice.Exporter;

/// <summary>Parameter values held in memory, keyed by state-dict name.</summary>
public sealed class DictionaryWeightSource : IWeightSource
{
    private readonly IReadOnlyDictionary<string, float[]> values;

    public DictionaryWeightSource(IReadOnlyDictionary<string, float[]> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        this.values = values;
    }

    public void Read(ParameterSpec parameter, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (!values.TryGetValue(parameter.Name, out var data))
        {
            throw new KeyNotFoundException($"no values for parameter '{parameter.Name}'");
        }
        if (data.Length != destination.Length)
        {
            throw new InvalidDataException(
                $"parameter '{parameter.Name}' [{string.Join(", ", parameter.Shape)}] needs {destination.Length} values; {data.Length} were given");
        }
        data.CopyTo(destination);
    }
}
