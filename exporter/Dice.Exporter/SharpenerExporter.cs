using System.Globalization;
using Dice.Models;
using Dice.Models.Sharpener;
using Dice.Models.Weights;
using Dice.Runtime;
using Dice.Runtime.Models;
using Dice.Runtime.Tokenization;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Dice.Exporter;

/// <summary>
/// `dice export`: a trained sharpener (safetensors + config.json) and an ONNX model folder → the folder's
/// sharpener/ (model.onnx, the weights and config) and text_encoder_dice/ (the drop-in fused encoder). The
/// checkpoint is validated first; both folders are built beside the model and moved in only when complete.
/// </summary>
public static class SharpenerExporter
{
    public const string WeightsFile = "sharpener.safetensors";

    /// <summary>Metadata key of sharpener/model.onnx holding its trainable parameter count.</summary>
    public const string ParameterCountKey = "dice.parameter_count";

    /// <param name="sharpener">A folder with sharpener.safetensors and config.json.</param>
    /// <param name="modelFolder">An ONNX model folder with text_encoder/ and tokenizer/.</param>
    public static void Export(string sharpener, string modelFolder)
    {
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

        using var checkpoint = WeightSource.Open(weightsPath, ops => _ = new DiceSharpener<ParameterInventory.Declared>(ops, config));
        var staging = Path.Combine(folder.Root, $".dice-export.{Guid.NewGuid():N}.tmp");
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

            var encoderPath = folder.ModelPath(OnnxModelFolder.TextEncoder);
            var ids = ClipTokenizer.Load(Path.Combine(folder.Root, "tokenizer")).Tokenize("");
            var cNull = EmbedOnce(encoderPath, ids);
            var encoder = ModelProto.Parser.ParseFrom(File.ReadAllBytes(encoderPath));
            var fused = DiceTextEncoderFuser.Fuse(encoder, ModelProto.Parser.ParseFrom(File.ReadAllBytes(sharpenerModel)), ids, cNull);
            var diceFolder = Directory.CreateDirectory(Path.Combine(staging, OnnxModelFolder.TextEncoderDice)).FullName;
            CopyExternalData(encoder, Path.GetDirectoryName(encoderPath)!, diceFolder);
            File.WriteAllBytes(Path.Combine(diceFolder, "model.onnx"), fused.ToByteArray());
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

    /// <summary>The encoder's last_hidden_state for one sequence of ids, [1, L, d] row-major.</summary>
    private static float[] EmbedOnce(string encoderPath, int[] ids)
    {
        using var options = SessionOptionsFactory.Create(new RuntimeOptions());
        using var session = new InferenceSession(encoderPath, options);
        var type = session.InputMetadata[DiceTextEncoderFuser.InputIds].ElementDataType;
        using var input = type == TensorElementType.Int64
            ? OrtValue.CreateTensorValueFromMemory(ids.Select(i => (long)i).ToArray(), [1, ids.Length])
            : OrtValue.CreateTensorValueFromMemory(ids, [1, ids.Length]);
        var output = session.OutputMetadata.ContainsKey(DiceTextEncoderFuser.LastHiddenState)
            ? DiceTextEncoderFuser.LastHiddenState
            : session.OutputMetadata.Keys.First();
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [DiceTextEncoderFuser.InputIds], [input], [output]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>ONNX Runtime only reads external data from beside the model, so the fused model gets its own copy.</summary>
    private static void CopyExternalData(ModelProto encoder, string from, string to)
    {
        var files = encoder.Graph.Initializer
            .Where(i => i.DataLocation == TensorProto.Types.DataLocation.External)
            .SelectMany(i => i.ExternalData.Where(e => e.Key == "location").Select(e => e.Value))
            .Distinct(StringComparer.Ordinal);
        foreach (var file in files)
        {
            File.Copy(Path.Combine(from, file), Path.Combine(to, file));
        }
    }
}
