using System.Text.Json.Nodes;
using Dice.Exporter;
using Dice.Models;
using Dice.Models.Clip;
using Dice.Models.Sharpener;
using Dice.Safetensors;

namespace Dice.Benchmarks;

/// <summary>
/// A sharpener folder with seeded random weights, in the layout `dice train` writes and `dice export` reads
/// (sharpener.safetensors + config.json), for latency work: a DICE encoder's speed does not depend on its weights.
/// Names and shapes come from the one model definition (<see cref="DiceSharpener{T}"/> declared through a
/// <see cref="ParameterInventory"/>), values from each parameter's declared initialisation (PyTorch's Linear
/// default, U(±1/√fan_in)) through the exporter's <see cref="RandomWeightSource"/>: small, so nothing overflows.
/// </summary>
public static class RandomSharpenerFolder
{
    /// <summary>The file the weights go to (what `dice export` expects).</summary>
    public const string WeightsFile = SharpenerExporter.WeightsFile;

    /// <summary>The parameters a sharpener of <paramref name="config"/> declares, in declaration order.</summary>
    public static IReadOnlyList<ParameterSpec> Parameters(SharpenerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return ParameterInventory.Of(ops => _ = new DiceSharpener<ParameterInventory.Declared>(ops, config));
    }

    /// <summary>The reference sizes (inner width 512, 8 heads) at the width of a model folder's text encoder
    /// (hidden_size of its text_encoder/config.json).</summary>
    public static SharpenerConfig ForModel(string modelFolder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelFolder);
        var text = ClipTextConfig.Load(Path.Combine(modelFolder, "text_encoder", ClipTextConfig.FileName));
        return new SharpenerConfig(EmbeddingDim: text.HiddenSize);
    }

    /// <summary>
    /// Writes <paramref name="folder"/> (replacing it if it exists): built in a staging folder beside it and moved
    /// in only when complete. Returns the number of parameters written.
    /// </summary>
    public static long Create(string folder, SharpenerConfig config, ulong seed = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var parent = Path.GetDirectoryName(target) ?? throw new ArgumentException($"{folder} is a root directory", nameof(folder));
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(staging);
            var source = new RandomWeightSource(seed);
            var writer = new SafetensorsWriter();
            long count = 0;
            foreach (var parameter in Parameters(config))
            {
                var values = new float[parameter.ElementCount];
                source.Read(parameter, values);
                writer.AddFloat32(parameter.Name, parameter.Shape.ToArray(), values);
                count += values.Length;
            }
            writer.Metadata["format"] = "pt";
            writer.Write(Path.Combine(staging, WeightsFile));
            var extra = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
            {
                ["random_weights"] = true,
                ["seed"] = seed,
                ["purpose"] = "latency benchmarks only (benchmarks/Dice.Benchmarks RandomSharpenerFolder): untrained, it does not sharpen",
            };
            File.WriteAllText(Path.Combine(staging, SharpenerConfig.FileName), config.ToJson(extra) + "\n");
            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true);
            }
            Directory.Move(staging, target);
            return count;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }
}
