using System.Text.Json;
using System.Text.Unicode;

namespace Dice.Safetensors;

/// <summary>
/// A sharded checkpoint's index (<c>*.safetensors.index.json</c>, the diffusers/transformers layout):
/// <c>{"metadata": {...}, "weight_map": {"tensor name": "shard file name"}}</c>.
/// </summary>
public sealed class SafetensorsIndex
{
    private SafetensorsIndex(string? filePath, IReadOnlyDictionary<string, string> metadata, IReadOnlyDictionary<string, string> weightMap)
    {
        FilePath = filePath;
        Metadata = metadata;
        WeightMap = weightMap;
        ShardFiles = weightMap.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Full path of the index file, or the name given to <see cref="Parse"/>.</summary>
    public string? FilePath { get; }

    /// <summary>
    /// The "metadata" entries. Non-string values (transformers writes <c>"total_size": 1234</c>) are kept as their JSON text.
    /// </summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Tensor name → shard file name, relative to the index's directory.</summary>
    public IReadOnlyDictionary<string, string> WeightMap { get; }

    /// <summary>The distinct shard file names, sorted.</summary>
    public IReadOnlyList<string> ShardFiles { get; }

    /// <exception cref="SafetensorsFormatException">The index breaks the layout.</exception>
    public static SafetensorsIndex Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        return Parse(File.ReadAllBytes(fullPath), fullPath);
    }

    /// <param name="json">The index file's bytes.</param>
    /// <param name="sourceName">Name used in error messages.</param>
    /// <exception cref="SafetensorsFormatException">The index breaks the layout.</exception>
    public static SafetensorsIndex Parse(ReadOnlySpan<byte> json, string? sourceName = null)
    {
        // Editors on Windows like to add a byte order mark; the JSON parser does not accept one.
        if (json.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }
        // JsonDocument checks UTF-8 inside strings only when they are read, and then throws InvalidOperationException.
        if (!Utf8.IsValid(json))
        {
            throw new SafetensorsFormatException(sourceName, null, "index is not valid UTF-8; the file is corrupt or not a safetensors index.");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException ex)
        {
            throw new SafetensorsFormatException(sourceName, null, $"index is not valid JSON: {ex.Message}", ex);
        }

        try
        {
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new SafetensorsFormatException(sourceName, null, "index must be a JSON object with a \"weight_map\".");
                }

                var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
                if (root.TryGetProperty("metadata", out var metadataElement) && metadataElement.ValueKind != JsonValueKind.Null)
                {
                    if (metadataElement.ValueKind != JsonValueKind.Object)
                    {
                        throw new SafetensorsFormatException(sourceName, null, "index \"metadata\" must be an object.");
                    }
                    foreach (var entry in metadataElement.EnumerateObject())
                    {
                        metadata[entry.Name] = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : entry.Value.GetRawText();
                    }
                }

                if (!root.TryGetProperty("weight_map", out var mapElement) || mapElement.ValueKind != JsonValueKind.Object)
                {
                    throw new SafetensorsFormatException(sourceName, null,
                        "index has no \"weight_map\" object mapping tensor names to shard files.");
                }
                var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var entry in mapElement.EnumerateObject())
                {
                    var shard = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : null;
                    if (string.IsNullOrEmpty(shard) || Path.IsPathRooted(shard))
                    {
                        throw new SafetensorsFormatException(sourceName, entry.Name,
                            $"weight_map must name a shard file relative to the index, found {entry.Value.GetRawText()}.");
                    }
                    if (!weightMap.TryAdd(entry.Name, shard))
                    {
                        throw new SafetensorsFormatException(sourceName, entry.Name, "weight_map lists this tensor more than once.");
                    }
                }
                return new SafetensorsIndex(sourceName, metadata, weightMap);
            }
        }
        catch (InvalidOperationException ex)
        {
            // JsonDocument decodes strings when they are read: an escape such as \ud800 that is not valid UTF-16 fails then.
            throw new SafetensorsFormatException(sourceName, null, $"index holds a string that is not valid Unicode: {ex.Message}", ex);
        }
    }
}
