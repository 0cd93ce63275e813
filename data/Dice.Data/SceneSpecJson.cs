using System.Text.Json;

namespace Dice.Data;

/// <summary>
/// The JSON form of a scene, stored under "attributes" in the generator's metadata.jsonl:
/// <code>{"count": 2, "background": "blue", "objects": [{"shape": "circle", "color": "red", "size": "large", "position": "left"}, ...], "relation": "left of"}</code>
/// Objects are in caption order; "relation" (first object relative to second) is present only for two objects and
/// is implied by the positions (it is checked when read). Values are <see cref="SceneVocabulary"/> words.
/// </summary>
public static class SceneSpecJson
{
    /// <summary>Writes <paramref name="scene"/> as a JSON object (keys in a fixed order).</summary>
    public static void Write(Utf8JsonWriter writer, SceneSpec scene)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(scene);
        writer.WriteStartObject();
        writer.WriteNumber("count", scene.ObjectCount);
        writer.WriteString("background", SceneVocabulary.Word(scene.Background));
        writer.WriteStartArray("objects");
        foreach (var obj in scene.Objects)
        {
            writer.WriteStartObject();
            writer.WriteString("shape", SceneVocabulary.Word(obj.Shape));
            writer.WriteString("color", SceneVocabulary.Word(obj.Color));
            writer.WriteString("size", SceneVocabulary.Word(obj.Size));
            writer.WriteString("position", SceneVocabulary.Word(obj.Position));
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        if (scene.Relation is { } relation)
        {
            writer.WriteString("relation", SceneVocabulary.Word(relation));
        }
        writer.WriteEndObject();
    }

    /// <summary>Reads a scene written by <see cref="Write"/>.</summary>
    /// <exception cref="FormatException">A key is missing or has a wrong value; the message names it.</exception>
    public static SceneSpec Read(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"a scene must be a JSON object, not {element.ValueKind}");
        }
        var background = SceneVocabulary.ParseColor(String(element, "background", "scene"));
        if (!element.TryGetProperty("objects", out var objects) || objects.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("scene: \"objects\" is missing or not an array");
        }
        int length = objects.GetArrayLength();
        if (length is < 1 or > 2)
        {
            throw new FormatException($"scene: \"objects\" has {length} objects, expected 1 or 2");
        }
        var list = objects.EnumerateArray().Select((o, i) => ReadObject(o, $"objects[{i}]")).ToArray();
        if (element.TryGetProperty("count", out var count) && (!count.TryGetInt32(out int n) || n != length))
        {
            throw new FormatException($"scene: \"count\" is {count.GetRawText()} but there are {length} objects");
        }
        SceneSpec scene;
        try
        {
            scene = new SceneSpec(background, list[0], length == 2 ? list[1] : null);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"scene: {e.Message}", e);
        }
        if (element.TryGetProperty("relation", out var relationElement) && relationElement.ValueKind != JsonValueKind.Null)
        {
            var relation = SceneVocabulary.ParseRelation(relationElement.GetString() ?? "");
            if (scene.Relation != relation)
            {
                throw new FormatException(
                    $"scene: \"relation\" is '{SceneVocabulary.Word(relation)}' but the positions say {(scene.Relation is { } r ? "'" + SceneVocabulary.Word(r) + "'" : "there is one object")}");
            }
        }
        return scene;
    }

    private static ObjectSpec ReadObject(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"scene: {where} is not an object");
        }
        return new ObjectSpec(
            SceneVocabulary.ParseShape(String(element, "shape", where)),
            SceneVocabulary.ParseColor(String(element, "color", where)),
            SceneVocabulary.ParseSize(String(element, "size", where)),
            SceneVocabulary.ParsePosition(String(element, "position", where)));
    }

    private static string String(JsonElement element, string key, string where) =>
        element.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"{where}: \"{key}\" is missing or not a string");
}
