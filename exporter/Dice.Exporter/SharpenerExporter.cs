using System.Globalization;
using Dice.Models;
using Dice.Models.Sharpener;
using Dice.Models.Weights;
using Dice.Core.IO;
using Dice.Core.ModelFolders;
using Dice.Core.Tokenization;
using Google.Protobuf;
using Onnx;

namespace Dice.Exporter;

/// <summary>
/// `dice export`: a trained sharpener (safetensors + config.json) and an ONNX model folder → the folder's
/// sharpener/ (model.onnx, the weights and config) and text_encoder_dice/ (the drop-in fused encoder). The
/// checkpoint is validated first; both folders are built beside the model and moved in only when complete.
/// </summary>
public static class SharpenerExporter
{
    /// <summary><see cref="FaultInjection"/> points: the fused encoder written in the staging folder; each component moved into place.</summary>
    public const string StagedKillPoint = "export.staged";
    public const string ComponentMovedKillPoint = "export.component-moved";

    public const string WeightsFile = "sharpener.safetensors";

    /// <summary>Metadata key of sharpener/model.onnx holding its trainable parameter count.</summary>
    public const string ParameterCountKey = "dice.parameter_count";

    /// <param name="sharpener">A folder with sharpener.safetensors and config.json.</param>
    /// <param name="modelFolder">An ONNX model folder with text_encoder/ and tokenizer/.</param>
    /// <param name="runTextEncoder">Runs the folder's text encoder once, for the empty prompt's embedding that the fused
    /// graph holds as a constant (the runtime's <c>OnnxTextEncoding.LastHiddenState</c>).</param>
    public static void Export(string sharpener, string modelFolder, TextEncoderRun runTextEncoder)
    {
        ArgumentNullException.ThrowIfNull(runTextEncoder);
        ArgumentException.ThrowIfNullOrWhiteSpace(sharpener);
        var weightsPath = Path.Combine(sharpener, WeightsFile);
        if (!File.Exists(weightsPath))
        {
            throw new FileNotFoundException($"no sharpener weights at {weightsPath} (expected {WeightsFile} and config.json from `dice train`)", weightsPath);
        }
        var config = SharpenerConfig.Load(sharpener);
        var folder = OnnxModelFolder.Open(modelFolder);
        if (!folder.Has(OnnxModelFolder.TextEncoder))
        {
            throw new InvalidDataException($"model folder {folder.Root} has no {OnnxModelFolder.TextEncoder}/model.onnx to fuse the sharpener with");
        }
        if (!folder.HasTokenizer)
        {
            throw new InvalidDataException($"model folder {folder.Root} has no tokenizer/ (needed for the empty prompt's embedding)");
        }

        var encoderPath = folder.ModelPath(OnnxModelFolder.TextEncoder);
        var encoder = ModelProto.Parser.ParseFrom(File.ReadAllBytes(encoderPath));
        var externalData = ExternalDataFiles(encoder, encoderPath);

        using var checkpoint = WeightSource.Open(weightsPath, ops => _ = new DiceSharpener<ParameterInventory.Declared>(ops, config));
        var staging = AtomicFile.TempPath(Path.Combine(folder.Root, OnnxModelFolder.TextEncoderDice));
        try
        {
            var sharpenerModel = Path.Combine(staging, OnnxModelFolder.Sharpener, "model.onnx");
            var parameterCount = ParameterInventory.Of(ops => _ = new DiceSharpener<ParameterInventory.Declared>(ops, config))
                .Sum(p => p.ElementCount);
            ComponentExporter.ExportSharpener(sharpenerModel, config, new CheckpointWeightSource(checkpoint), new OnnxExportOptions
            {
                ConfigJson = config.ToJson(),
                Metadata = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    [ParameterCountKey] = parameterCount.ToString(CultureInfo.InvariantCulture),
                },
            });
            File.Copy(weightsPath, Path.Combine(staging, OnnxModelFolder.Sharpener, WeightsFile));
            File.Copy(Path.Combine(sharpener, SharpenerConfig.FileName), Path.Combine(staging, OnnxModelFolder.Sharpener, SharpenerConfig.FileName));

            var ids = ClipTokenizer.Load(Path.Combine(folder.Root, "tokenizer")).Tokenize("");
            var cNull = runTextEncoder(encoderPath, ids);
            var fused = DiceTextEncoderFuser.Fuse(encoder, ModelProto.Parser.ParseFrom(File.ReadAllBytes(sharpenerModel)), ids, cNull);
            var diceFolder = Directory.CreateDirectory(Path.Combine(staging, OnnxModelFolder.TextEncoderDice)).FullName;
            foreach (var (location, source) in externalData)
            {
                var copy = Path.Combine(diceFolder, location);
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(source, copy);
            }
            File.WriteAllBytes(Path.Combine(diceFolder, "model.onnx"), fused.ToByteArray());
            FaultInjection.Reached(StagedKillPoint);
            if (File.Exists(folder.ConfigPath(OnnxModelFolder.TextEncoder)))
            {
                File.Copy(folder.ConfigPath(OnnxModelFolder.TextEncoder), Path.Combine(diceFolder, "config.json"));
            }

            foreach (var component in new[] { OnnxModelFolder.Sharpener, OnnxModelFolder.TextEncoderDice })
            {
                var destination = Path.Combine(folder.Root, component);
                if (Directory.Exists(destination))
                {
                    Directory.Delete(destination, recursive: true);
                }
                Directory.Move(Path.Combine(staging, component), destination);
                FaultInjection.Reached(ComponentMovedKillPoint);
            }
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>
    /// The external-data files of the encoder (location as written → full path), each confined to the encoder's folder:
    /// ONNX Runtime only reads external data from beside the model, so the fused model gets its own copy of each.
    /// </summary>
    private static List<(string Location, string Path)> ExternalDataFiles(ModelProto encoder, string encoderPath)
    {
        var from = Path.GetDirectoryName(Path.GetFullPath(encoderPath))!;
        return [.. encoder.Graph.Initializer
            .Where(i => i.DataLocation == TensorProto.Types.DataLocation.External)
            .SelectMany(i => i.ExternalData.Where(e => e.Key == "location").Select(e => e.Value))
            .Distinct(StringComparer.Ordinal)
            .Select(location => (location, ConfinedPath.Resolve(from, location, encoderPath, "external data location")))];
    }
}
