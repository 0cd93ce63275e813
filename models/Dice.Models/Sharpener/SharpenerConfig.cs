using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dice.Models.Sharpener;

/// <summary>
/// Size of a DICE sharpener: text-embedding width d (768 for SD1.5's CLIP ViT-L/14), inner width and heads
/// (512 and 8 in the reference). Stored as config.json beside the sharpener's safetensors, with what it was
/// trained against (informational keys are kept as they are).
/// </summary>
public sealed record SharpenerConfig(int EmbeddingDim = 768, int InnerDim = 512, int Heads = 8)
{
    public const string FileName = "config.json";

    public int HeadDim => InnerDim / Heads;

    public void Validate()
    {
        if (EmbeddingDim <= 0 || InnerDim <= 0 || Heads <= 0)
        {
            throw new ArgumentException($"sharpener sizes must be positive: d {EmbeddingDim}, inner {InnerDim}, heads {Heads}");
        }
        if (InnerDim % Heads != 0)
        {
            throw new ArgumentException($"the sharpener's inner width {InnerDim} does not split into {Heads} heads");
        }
    }

    /// <summary>Reads config.json (a file, or the folder holding it); embedding_dim is required.</summary>
    public static SharpenerConfig Load(string path)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, FileName) : path;
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"sharpener config {file} does not exist", file);
        }
        return FromJson(File.ReadAllText(file), file);
    }

    public static SharpenerConfig FromJson(string json, string source)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new InvalidDataException($"{source}: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: invalid JSON ({e.Message})", e);
        }
        int Read(string key, int? fallback)
        {
            var node = root[key];
            if (node is null)
            {
                return fallback ?? throw new InvalidDataException($"{source}: \"{key}\" is missing");
            }
            try
            {
                return node.GetValue<int>();
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                // A number is shown as written; a string or a list is named by its kind, since printing it would decode
                // it, and a string that is not valid Unicode (\ud800) fails then.
                var found = node.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
                    ? node.ToJsonString() : $"a JSON {node.GetValueKind().ToString().ToLowerInvariant()}";
                throw new InvalidDataException($"{source}: \"{key}\" must be an integer, not {found}", e);
            }
        }
        SharpenerConfig config;
        try
        {
            config = new SharpenerConfig(Read("embedding_dim", null), Read("inner_dim", 512), Read("heads", 8));
        }
        catch (InvalidOperationException e)
        {
            // JsonNode decodes property names when the object is first read: a name such as "\ud800" fails then.
            throw new InvalidDataException($"{source}: holds a string that is not valid Unicode ({e.Message})", e);
        }
        catch (ArgumentException e)
        {
            // JsonObject refuses a key given twice when its properties are first read.
            throw new InvalidDataException($"{source}: lists a key more than once ({e.Message})", e);
        }
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
        return config;
    }

    /// <summary>config.json with the sizes and any extra keys (guidance, teacher, steps …).</summary>
    public string ToJson(IReadOnlyDictionary<string, JsonNode?>? extra = null)
    {
        var root = new JsonObject
        {
            ["embedding_dim"] = EmbeddingDim,
            ["inner_dim"] = InnerDim,
            ["heads"] = Heads,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, JsonNode?>())
        {
            root[key] = value?.DeepClone();
        }
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
