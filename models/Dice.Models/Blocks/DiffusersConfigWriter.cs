using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dice.Models.Blocks;

/// <summary>Writes a diffusers <c>config.json</c> as diffusers does: keys sorted, two-space indent, final newline.</summary>
internal sealed class DiffusersConfigWriter
{
    /// <summary>The diffusers version written into configs; any later diffusers reads them.</summary>
    public const string DiffusersVersion = "0.30.0";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly SortedDictionary<string, JsonNode?> values = new(StringComparer.Ordinal);

    public DiffusersConfigWriter(string className)
    {
        values["_class_name"] = className;
        values["_diffusers_version"] = DiffusersVersion;
    }

    public DiffusersConfigWriter Set(string key, JsonNode? value)
    {
        values[key] = value;
        return this;
    }

    public DiffusersConfigWriter Set(string key, IReadOnlyList<int> list) =>
        Set(key, new JsonArray(list.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()));

    public DiffusersConfigWriter Set(string key, IReadOnlyList<string> list) =>
        Set(key, new JsonArray(list.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()));

    /// <summary>One value when every block has the same, else the per-block list (both spellings are diffusers').</summary>
    public DiffusersConfigWriter SetPerBlock(string key, IReadOnlyList<int> list) =>
        list.Count > 0 && list.All(v => v == list[0]) ? Set(key, JsonValue.Create(list[0])) : Set(key, list);

    public string ToJson()
    {
        var json = new JsonObject();
        foreach (var (key, value) in values)
        {
            json[key] = value;
        }
        return json.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";
    }
}
