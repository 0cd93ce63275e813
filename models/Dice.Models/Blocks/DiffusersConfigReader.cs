using System.Globalization;
using System.Text.Json;

namespace Dice.Models.Blocks;

/// <summary>
/// Reads the values of a diffusers <c>config.json</c>, with errors that name the key and the file. Keys it is not
/// asked about are ignored; a key that is absent, or explicitly null, takes the caller's default.
/// </summary>
internal sealed class DiffusersConfigReader
{
    private readonly JsonElement root;

    private DiffusersConfigReader(JsonElement root, string source)
    {
        this.root = root;
        Source = source;
    }

    public string Source { get; }

    /// <summary>Parses <paramref name="json"/>; <paramref name="expectedClass"/> is checked against "_class_name" if present.</summary>
    public static T Read<T>(string json, string source, string expectedClass, Func<DiffusersConfigReader, T> build)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(build);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions
            {
                AllowTrailingCommas = true,
                CommentHandling = JsonCommentHandling.Skip,
            });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not valid JSON ({e.Message})", e);
        }
        try
        {
            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidDataException($"{source}: a config must be a JSON object");
                }
                var reader = new DiffusersConfigReader(document.RootElement, source);
                var className = reader.OptionalString("_class_name", null);
                if (className is not null && className != expectedClass)
                {
                    throw new InvalidDataException($"{source}: _class_name is '{className}', expected '{expectedClass}'");
                }
                return build(reader);
            }
        }
        catch (InvalidOperationException e)
        {
            // JsonDocument decodes a string only when it is read: an escape such as \ud800 that is not valid UTF-16 fails then.
            throw new InvalidDataException($"{source}: holds a string that is not valid Unicode ({e.Message})", e);
        }
    }

    public InvalidDataException Error(string key, string message) => new($"{Source}: '{key}' {message}");

    public bool Has(string key) => root.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null;

    public bool IsList(string key) => root.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Array;

    /// <summary>Whether the key is present with the value null (diffusers' None), as opposed to absent.</summary>
    public bool IsExplicitNull(string key) => root.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Null;

    private JsonElement Get(string key) => root.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null
        ? value
        : throw Error(key, "is missing (it has no default Dice can assume)");

    public int Int(string key, int fallback) => Has(key) ? ToInt(key, root.GetProperty(key)) : fallback;

    public int? OptionalInt(string key) => Has(key) ? ToInt(key, root.GetProperty(key)) : null;

    public int RequiredInt(string key) => ToInt(key, Get(key));

    public double Double(string key, double fallback) => Has(key) ? ToDouble(key, root.GetProperty(key)) : fallback;

    public double? OptionalDouble(string key) => Has(key) ? ToDouble(key, root.GetProperty(key)) : null;

    public bool Bool(string key, bool fallback)
    {
        if (!Has(key))
        {
            return fallback;
        }
        var value = root.GetProperty(key);
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(key, $"must be true or false, not {value.GetRawText()}"),
        };
    }

    public string? OptionalString(string key, string? fallback)
    {
        if (!Has(key))
        {
            return fallback;
        }
        var value = root.GetProperty(key);
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw Error(key, $"must be a string, not {value.GetRawText()}");
    }

    public IReadOnlyList<string> RequiredStrings(string key)
    {
        var value = Get(key);
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            throw Error(key, $"must be a non-empty list of strings, not {value.GetRawText()}");
        }
        return value.EnumerateArray()
            .Select(item => item.ValueKind == JsonValueKind.String
                ? item.GetString()!
                : throw Error(key, $"must be a list of strings; it holds {item.GetRawText()}"))
            .ToArray();
    }

    public IReadOnlyList<int> RequiredInts(string key)
    {
        var value = Get(key);
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            throw Error(key, $"must be a non-empty list of integers, not {value.GetRawText()}");
        }
        return value.EnumerateArray().Select(item => ToInt(key, item)).ToArray();
    }

    /// <summary>A value diffusers accepts either once for every block or as a list with one entry per block.</summary>
    public IReadOnlyList<int> PerBlockInts(string key, int blocks, int fallback)
    {
        if (!Has(key))
        {
            return Enumerable.Repeat(fallback, blocks).ToArray();
        }
        var value = root.GetProperty(key);
        if (value.ValueKind != JsonValueKind.Array)
        {
            return Enumerable.Repeat(ToInt(key, value), blocks).ToArray();
        }
        var values = value.EnumerateArray().Select(item => ToInt(key, item)).ToArray();
        return values.Length == blocks
            ? values
            : throw Error(key, $"lists {values.Length} values but the model has {blocks} blocks");
    }

    private int ToInt(string key, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (value.TryGetInt32(out int integer))
            {
                return integer;
            }
            if (value.TryGetDouble(out double real) && real == Math.Floor(real) && Math.Abs(real) <= int.MaxValue)
            {
                return (int)real;
            }
        }
        throw Error(key, $"must be an integer, not {value.GetRawText()}");
    }

    private double ToDouble(string key, JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double real)
            ? real
            : throw Error(key, $"must be a number, not {value.GetRawText()}");

    /// <summary>Throws unless the key is absent or has one of the values that describe the architecture Dice implements.</summary>
    public void RequireDefault(string key, params string?[] allowed)
    {
        if (!root.TryGetProperty(key, out var value))
        {
            return;
        }
        string? text = value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => value.GetString(),
            _ => value.GetRawText(),
        };
        if (!allowed.Contains(text, StringComparer.Ordinal))
        {
            var shown = string.Join(", ", allowed.Select(a => a ?? "null"));
            throw Error(key, $"is {value.GetRawText()}, which Dice does not support (supported: {shown})");
        }
    }

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
