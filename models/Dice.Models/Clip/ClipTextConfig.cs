using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Dice.Models.Clip;

/// <summary>
/// Sizes of a CLIP text encoder: transformers' CLIPTextConfig (a text_encoder/config.json). Keys a config may leave
/// out take transformers' defaults; the four that fix the layer sizes (hidden_size, intermediate_size,
/// num_hidden_layers, num_attention_heads) are required, since their defaults describe a different model.
/// </summary>
public sealed record ClipTextConfig
{
    /// <summary>The file name a component folder holds the config under.</summary>
    public const string FileName = "config.json";

    private const string QuickGeluName = "quick_gelu";
    private const string GeluName = "gelu";

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true };

    public int VocabSize { get; init; } = 49408;

    public required int HiddenSize { get; init; }

    public required int IntermediateSize { get; init; }

    public required int NumHiddenLayers { get; init; }

    public required int NumAttentionHeads { get; init; }

    public int MaxPositionEmbeddings { get; init; } = 77;

    public ClipActivation HiddenAct { get; init; } = ClipActivation.QuickGelu;

    public double LayerNormEps { get; init; } = 1e-5;

    public int BosTokenId { get; init; } = 49406;

    public int EosTokenId { get; init; } = 49407;

    public int PadTokenId { get; init; } = 1;

    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>
    /// SD1.5's text encoder, the text tower of CLIP ViT-L/14. (Its config.json on disk carries the legacy token ids
    /// bos 0 / eos 2; the model does not use them: pooling takes the largest id, which is end-of-text.)
    /// </summary>
    public static ClipTextConfig StableDiffusion15 { get; } = new()
    {
        VocabSize = 49408,
        HiddenSize = 768,
        IntermediateSize = 3072,
        NumHiddenLayers = 12,
        NumAttentionHeads = 12,
        MaxPositionEmbeddings = 77,
        HiddenAct = ClipActivation.QuickGelu,
        LayerNormEps = 1e-5,
    };

    /// <exception cref="ArgumentException">A size is not positive, or the width does not split into the heads.</exception>
    public void Validate()
    {
        var problems = Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"invalid CLIP text config: {string.Join("; ", problems)}");
        }
    }

    /// <summary>Reads a config.json, or the config.json inside a directory.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid CLIP text config; the message names the key and file.</exception>
    public static ClipTextConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            fullPath = Path.Combine(fullPath, FileName);
        }
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"no CLIP text config at '{fullPath}'", fullPath);
        }
        return FromJson(File.ReadAllText(fullPath), fullPath);
    }

    /// <summary>
    /// Parses a transformers CLIPTextConfig, or a full CLIPConfig (its "text_config" is used). Unknown keys are ignored.
    /// </summary>
    /// <param name="json">The config's text.</param>
    /// <param name="source">Where the text came from, for error messages.</param>
    /// <exception cref="InvalidDataException">Not JSON, a required key missing, a value of the wrong type or unsupported.</exception>
    public static ClipTextConfig FromJson(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: not valid JSON: {ex.Message}", ex);
        }

        try
        {
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidDataException($"{source}: a CLIP text config must be a JSON object");
                }
                if (!root.TryGetProperty("hidden_size", out _)
                    && root.TryGetProperty("text_config", out var textConfig) && textConfig.ValueKind == JsonValueKind.Object)
                {
                    root = textConfig;
                }

                var config = new ClipTextConfig
                {
                    VocabSize = ReadInt(root, "vocab_size", source, 49408),
                    HiddenSize = ReadInt(root, "hidden_size", source),
                    IntermediateSize = ReadInt(root, "intermediate_size", source),
                    NumHiddenLayers = ReadInt(root, "num_hidden_layers", source),
                    NumAttentionHeads = ReadInt(root, "num_attention_heads", source),
                    MaxPositionEmbeddings = ReadInt(root, "max_position_embeddings", source, 77),
                    HiddenAct = ReadActivation(root, source),
                    LayerNormEps = ReadDouble(root, "layer_norm_eps", source, 1e-5),
                    BosTokenId = ReadInt(root, "bos_token_id", source, 49406),
                    EosTokenId = ReadInt(root, "eos_token_id", source, 49407),
                    PadTokenId = ReadInt(root, "pad_token_id", source, 1),
                };
                var problems = config.Problems();
                if (problems.Count > 0)
                {
                    throw new InvalidDataException($"{source}: {string.Join("; ", problems)}");
                }
                return config;
            }
        }
        catch (InvalidOperationException e)
        {
            // JsonDocument decodes a string only when it is read: an escape such as \ud800 that is not valid UTF-16 fails then.
            throw new InvalidDataException($"{source}: holds a string that is not valid Unicode ({e.Message})", e);
        }
    }

    /// <summary>The config as transformers writes it (model_type "clip_text_model"), keys sorted.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartArray("architectures");
            json.WriteStringValue("CLIPTextModel");
            json.WriteEndArray();
            json.WriteNumber("bos_token_id", BosTokenId);
            json.WriteNumber("eos_token_id", EosTokenId);
            json.WriteString("hidden_act", ActivationName(HiddenAct));
            json.WriteNumber("hidden_size", HiddenSize);
            json.WriteNumber("intermediate_size", IntermediateSize);
            json.WriteNumber("layer_norm_eps", LayerNormEps);
            json.WriteNumber("max_position_embeddings", MaxPositionEmbeddings);
            json.WriteString("model_type", "clip_text_model");
            json.WriteNumber("num_attention_heads", NumAttentionHeads);
            json.WriteNumber("num_hidden_layers", NumHiddenLayers);
            json.WriteNumber("pad_token_id", PadTokenId);
            json.WriteNumber("vocab_size", VocabSize);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private List<string> Problems()
    {
        var problems = new List<string>();
        void Positive(string key, long value)
        {
            if (value <= 0)
            {
                problems.Add($"\"{key}\" must be positive, found {value}");
            }
        }
        Positive("vocab_size", VocabSize);
        Positive("hidden_size", HiddenSize);
        Positive("intermediate_size", IntermediateSize);
        Positive("num_hidden_layers", NumHiddenLayers);
        Positive("num_attention_heads", NumAttentionHeads);
        Positive("max_position_embeddings", MaxPositionEmbeddings);
        if (HiddenSize > 0 && NumAttentionHeads > 0 && HiddenSize % NumAttentionHeads != 0)
        {
            problems.Add($"\"hidden_size\" {HiddenSize} does not split into {NumAttentionHeads} attention heads");
        }
        if (!(LayerNormEps > 0) || double.IsInfinity(LayerNormEps))
        {
            problems.Add($"\"layer_norm_eps\" must be a positive number, found {LayerNormEps.ToString(CultureInfo.InvariantCulture)}");
        }
        if (!Enum.IsDefined(HiddenAct))
        {
            problems.Add($"\"hidden_act\" {HiddenAct} is not supported");
        }
        return problems;
    }

    private static string ActivationName(ClipActivation activation) => activation switch
    {
        ClipActivation.QuickGelu => QuickGeluName,
        ClipActivation.Gelu => GeluName,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown CLIP activation"),
    };

    private static bool TryGet(JsonElement obj, string key, out JsonElement value) =>
        obj.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Null;

    private static int ReadInt(JsonElement obj, string key, string source, int? fallback = null)
    {
        if (!TryGet(obj, key, out var value))
        {
            return fallback ?? throw new InvalidDataException($"{source}: required key \"{key}\" is missing");
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var result))
        {
            throw new InvalidDataException($"{source}: \"{key}\" must be an integer, found {value.GetRawText()}");
        }
        return result;
    }

    private static double ReadDouble(JsonElement obj, string key, string source, double fallback)
    {
        if (!TryGet(obj, key, out var value))
        {
            return fallback;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var result))
        {
            throw new InvalidDataException($"{source}: \"{key}\" must be a number, found {value.GetRawText()}");
        }
        return result;
    }

    private static ClipActivation ReadActivation(JsonElement obj, string source)
    {
        const string key = "hidden_act";
        if (!TryGet(obj, key, out var value))
        {
            return ClipActivation.QuickGelu;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new InvalidDataException($"{source}: \"{key}\" must be a string, found {value.GetRawText()}");
        }
        return value.GetString() switch
        {
            QuickGeluName => ClipActivation.QuickGelu,
            GeluName => ClipActivation.Gelu,
            var other => throw new InvalidDataException(
                $"{source}: \"{key}\" is \"{other}\", which is not supported; use \"{QuickGeluName}\" or \"{GeluName}\""),
        };
    }
}
