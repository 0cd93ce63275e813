using Dice.Models;
using Dice.Models.Sharpener;

namespace Dice.Exporter.Tests;

/// <summary>Weights for test models, drawn once into dictionaries so that references can use them too.</summary>
internal static class TestWeights
{
    public static SharpenerConfig SmallSharpener { get; } = new(EmbeddingDim: 16, InnerDim: 12, Heads: 3);

    public static IReadOnlyList<ParameterSpec> SharpenerParameters(SharpenerConfig config) =>
        ParameterInventory.Of(ops => _ = new DiceSharpener<ParameterInventory.Declared>(ops, config));

    public static Dictionary<string, float[]> Random(IReadOnlyList<ParameterSpec> parameters, ulong seed)
    {
        var source = new RandomWeightSource(seed);
        var values = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var parameter in parameters)
        {
            var data = new float[parameter.ElementCount];
            source.Read(parameter, data);
            values[parameter.Name] = data;
        }
        return values;
    }
}
