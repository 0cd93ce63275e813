using Dice.Models;

namespace Dice.Exporter.Tests;

/// <summary>Serves a number of parameters from another source, then fails, as a broken checkpoint would midway.</summary>
internal sealed class ThrowingWeightSource(IWeightSource inner, int succeed) : IWeightSource
{
    private int served;

    public void Read(ParameterSpec parameter, Span<float> destination)
    {
        if (served++ >= succeed)
        {
            throw new InvalidDataException($"checkpoint broken at '{parameter.Name}'");
        }
        inner.Read(parameter, destination);
    }
}
