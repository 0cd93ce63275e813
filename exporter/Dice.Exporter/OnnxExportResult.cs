using Dice.Models;

namespace Dice.Exporter;

/// <summary>What an export wrote.</summary>
/// <param name="ModelPath">The model file.</param>
/// <param name="DataPath">The external data file beside it, or null when the weights are inside the model.</param>
/// <param name="Parameters">The parameters the model declared, in declaration order.</param>
/// <param name="InitializerBytes">Bytes of all initializers (parameters and constants).</param>
public sealed record OnnxExportResult(string ModelPath, string? DataPath, IReadOnlyList<ParameterSpec> Parameters, long InitializerBytes)
{
    public long ParameterCount => Parameters.Sum(p => p.ElementCount);
}
