using Dice.Onnx;
using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Dice.Exporter;

/// <summary>
/// Composes, at the ONNX level, a drop-in DICE text encoder from any text encoder graph and a sharpener graph:
/// <c>last_hidden_state = c + mask·(alpha·r(c, c_n) − beta·(c_n − c_null))</c>, with c = encoder(input_ids),
/// c_n = encoder(negative_input_ids), c_null the empty prompt's embedding (a constant computed by the same encoder)
/// and mask zero at token 0, so the start token keeps its embedding. <c>alpha</c> (default 1),
/// <c>negative_input_ids</c> (default: the empty prompt's ids, so c_n = c_null) and <c>beta</c> (default 1) are
/// optional inputs: a runner that feeds only input_ids gets plain DICE. The encoder's own graph runs unchanged
/// (its names prefixed), so with alpha = 0 the output is exactly the original encoder's.
/// </summary>
public static class DiceTextEncoderFuser
{
    public const string InputIds = "input_ids";
    public const string Alpha = "alpha";
    public const string Beta = "beta";
    public const string NegativeInputIds = "negative_input_ids";
    public const string LastHiddenState = "last_hidden_state";
    public const string PoolerOutput = "pooler_output";

    /// <param name="textEncoder">The model's text encoder (input_ids → last_hidden_state [, pooler_output]).</param>
    /// <param name="sharpener">The sharpener graph (c, c_null → r), as <see cref="ComponentExporter.ExportSharpener"/> writes it.</param>
    /// <param name="emptyPromptIds">The tokenized empty prompt [1, L].</param>
    /// <param name="emptyPromptEmbedding">c_null: the encoder's last_hidden_state for those ids, [1, L, d] row-major.</param>
    public static ModelProto Fuse(ModelProto textEncoder, ModelProto sharpener, int[] emptyPromptIds, float[] emptyPromptEmbedding)
    {
        ArgumentNullException.ThrowIfNull(textEncoder);
        ArgumentNullException.ThrowIfNull(sharpener);
        ArgumentNullException.ThrowIfNull(emptyPromptIds);
        ArgumentNullException.ThrowIfNull(emptyPromptEmbedding);
        var encoderGraph = textEncoder.Graph;
        var ids = encoderGraph.Input.FirstOrDefault(i => i.Name == InputIds)
                  ?? throw new InvalidDataException($"the text encoder has no '{InputIds}' input (it has {string.Join(", ", encoderGraph.Input.Select(i => i.Name))})");
        var hidden = encoderGraph.Output.FirstOrDefault(o => o.Name == LastHiddenState) ?? encoderGraph.Output.FirstOrDefault()
                     ?? throw new InvalidDataException("the text encoder has no outputs");
        var idsType = (DataType)ids.Type.TensorType.ElemType;
        var hiddenType = (DataType)hidden.Type.TensorType.ElemType;
        if (hiddenType != DataType.Float)
        {
            throw new InvalidDataException($"the text encoder's {hidden.Name} is {hiddenType}; DICE fusion needs a float32 text encoder");
        }
        var length = emptyPromptIds.Length;
        var width = emptyPromptEmbedding.Length / length;
        var sharpenerWidth = SharpenerWidth(sharpener);
        if (width != sharpenerWidth)
        {
            throw new InvalidDataException(
                $"the sharpener works on {sharpenerWidth}-wide embeddings but this text encoder produces {width}-wide ones: it was trained for another model");
        }

        var g = new OnnxGraphBuilder("text_encoder_dice") { ProducerName = "dice" };
        g.AddInput(InputIds, idsType, "batch", "sequence");
        g.AddOptionalInput(OnnxTensor.Create(Alpha, [1f]));
        g.AddOptionalInput(IdsTensor(NegativeInputIds, idsType, emptyPromptIds), "batch_negative", "sequence");
        g.AddOptionalInput(OnnxTensor.Create(Beta, [1f]));
        g.AddInitializer(OnnxTensor.Create("dice/c_null", emptyPromptEmbedding, 1, length, width));

        var prompt = GraphInliner.Inline(g, encoderGraph, "text_encoder/", new Dictionary<string, string> { [InputIds] = InputIds }, includeInitializers: true);
        var c = prompt[hidden.Name];
        var cNegative = NegativeEmbedding(g, encoderGraph, hidden.Name, idsType, emptyPromptIds);

        var sharpened = GraphInliner.Inline(g, sharpener.Graph, "sharpener/", new Dictionary<string, string> { ["c"] = c, ["c_null"] = cNegative },
            includeInitializers: true);
        var r = sharpened[sharpener.Graph.Output[0].Name];

        g.AddNode("Sub", [cNegative, "dice/c_null"], ["dice/shift"]);
        g.AddNode("Mul", [r, Alpha], ["dice/alpha_r"]);
        g.AddNode("Mul", ["dice/shift", Beta], ["dice/beta_shift"]);
        g.AddNode("Sub", ["dice/alpha_r", "dice/beta_shift"], ["dice/update"]);

        // mask[l] = 1 for l > 0: token 0 (<SOS>) keeps the encoder's embedding.
        g.AddInitializer(OnnxTensor.Create("dice/zero", [0L]));
        g.AddInitializer(OnnxTensor.Create("dice/one", [1L]));
        g.AddInitializer(OnnxTensor.Create("dice/axis1", [1L], 1));
        g.AddNode("Shape", [InputIds], ["dice/ids_shape"]);
        g.AddNode("Gather", ["dice/ids_shape", "dice/one"], ["dice/length"], [OnnxAttribute.Int("axis", 0)]);
        g.AddNode("Range", ["dice/zero", "dice/length", "dice/one"], ["dice/positions"]);
        g.AddNode("Greater", ["dice/positions", "dice/zero"], ["dice/after_first"]);
        g.AddNode("Cast", ["dice/after_first"], ["dice/mask_flat"], [OnnxAttribute.Int("to", (long)DataType.Float)]);
        g.AddNode("Unsqueeze", ["dice/mask_flat", "dice/axis1"], ["dice/mask"]);
        g.AddNode("Mul", ["dice/update", "dice/mask"], ["dice/masked_update"]);
        g.AddNode("Add", [c, "dice/masked_update"], [LastHiddenState]);
        g.AddOutput(LastHiddenState, DataType.Float, "batch", "sequence", width);

        if (encoderGraph.Output.FirstOrDefault(o => o.Name == PoolerOutput) is { } pooler)
        {
            g.AddNode("Identity", [prompt[PoolerOutput]], [PoolerOutput]);
            g.AddOutput(PoolerOutput, (DataType)pooler.Type.TensorType.ElemType, "batch", width);
        }

        foreach (var opset in textEncoder.OpsetImport.Concat(sharpener.OpsetImport).GroupBy(o => o.Domain))
        {
            g.SetOpset(Math.Max(opset.Max(o => o.Version), opset.Key.Length == 0 ? 17 : 1), opset.Key);
        }
        g.IrVersion = Math.Max(8, Math.Max(textEncoder.IrVersion, sharpener.IrVersion));
        g.SetMetadata(OnnxMetadataKeys.Component, "text_encoder_dice");
        foreach (var entry in sharpener.MetadataProps.Where(p => p.Key == OnnxMetadataKeys.Config))
        {
            g.SetMetadata("dice.sharpener_config", entry.Value);
        }
        return g.ToModel();
    }

    /// <summary>
    /// c_n, the embedding of negative_input_ids: an If that returns the stored c_null when they are the empty prompt
    /// (the default, so a caller without a negative prompt pays for one encoder pass, not two) and otherwise runs
    /// the encoder again on them, over the same weights.
    /// </summary>
    private static string NegativeEmbedding(OnnxGraphBuilder g, GraphProto encoderGraph, string hiddenName, DataType idsType, int[] emptyPromptIds)
    {
        g.AddInitializer(IdsTensor("dice/empty_ids", idsType, emptyPromptIds));
        g.AddNode("Equal", [NegativeInputIds, "dice/empty_ids"], ["dice/negative_matches"]);
        g.AddNode("Cast", ["dice/negative_matches"], ["dice/negative_matches_float"], [OnnxAttribute.Int("to", (long)DataType.Float)]);
        g.AddNode("ReduceMin", ["dice/negative_matches_float"], ["dice/negative_all_match"], [OnnxAttribute.Int("keepdims", 0)]);
        g.AddNode("Cast", ["dice/negative_all_match"], ["dice/negative_is_empty"], [OnnxAttribute.Int("to", (long)DataType.Bool)]);

        var stored = g.CreateSubgraph("negative_is_empty");
        stored.AddNode("Identity", ["dice/c_null"], ["dice/c_negative_stored"]);
        stored.AddUnshapedOutput("dice/c_negative_stored", DataType.Float);

        var encoded = g.CreateSubgraph("negative_prompt");
        var negative = GraphInliner.Inline(encoded, encoderGraph, "text_encoder_negative/", new Dictionary<string, string> { [InputIds] = NegativeInputIds },
            includeInitializers: false, initializerPrefix: "text_encoder/");
        encoded.AddNode("Identity", [negative[hiddenName]], ["dice/c_negative_encoded"]);
        encoded.AddUnshapedOutput("dice/c_negative_encoded", DataType.Float);

        g.AddNode("If", ["dice/negative_is_empty"], ["dice/c_negative"],
            [OnnxAttribute.Graph("then_branch", stored.ToGraph()), OnnxAttribute.Graph("else_branch", encoded.ToGraph())]);
        return "dice/c_negative";
    }

    private static int SharpenerWidth(ModelProto sharpener)
    {
        var c = sharpener.Graph.Input.FirstOrDefault(i => i.Name == "c")
                ?? throw new InvalidDataException("the sharpener graph has no 'c' input");
        var dims = c.Type.TensorType.Shape.Dim;
        return dims.Count == 3 && dims[2].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue
            ? (int)dims[2].DimValue
            : throw new InvalidDataException("the sharpener graph's 'c' input has no fixed width");
    }

    private static TensorProto IdsTensor(string name, DataType type, int[] ids) => type switch
    {
        DataType.Int64 => OnnxTensor.Create(name, ids.Select(i => (long)i).ToArray(), 1, ids.Length),
        DataType.Int32 => OnnxTensor.Create(name, ids, 1, ids.Length),
        _ => throw new InvalidDataException($"input_ids of type {type} are not supported (int32 or int64)"),
    };
}
