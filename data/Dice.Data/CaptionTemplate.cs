using System.Text;
using System.Text.RegularExpressions;

namespace Dice.Data;

/// <summary>
/// A caption pattern such as "{a} {s1} {c1} {h1} {p1} on {a} {bg} background". Tokens:
/// <list type="table">
/// <item><term>{a}</term><description>the article "a" or "an", whichever suits the next word</description></item>
/// <item><term>{bg}</term><description>background colour</description></item>
/// <item><term>{s1} {c1} {h1} {p1}</term><description>size, colour, shape and position phrase ("on the left") of the object mentioned first</description></item>
/// <item><term>{s2} {c2} {h2} {p2}</term><description>the same for the object mentioned second</description></item>
/// <item><term>{rel}</term><description>where the first-mentioned object is relative to the second, long form ("to the left of", "above")</description></item>
/// <item><term>{relshort}</term><description>the same, short form ("left of", "above")</description></item>
/// </list>
/// Every token but {a} appears at most once. A one-object template names the background and every attribute of
/// object 1; a two-object one names the background, the size, colour and shape of both objects, and either a
/// relation or both positions. Each template also compiles to a regular expression that reads its captions back.
/// </summary>
public sealed partial class CaptionTemplate
{
    private static readonly string[] TokenNames = ["a", "bg", "s1", "c1", "h1", "p1", "s2", "c2", "h2", "p2", "rel", "relshort"];

    private readonly List<Segment> _segments;
    private readonly Regex _regex;

    internal CaptionTemplate(int objectCount, int index, string text)
    {
        ObjectCount = objectCount;
        Index = index;
        Text = text;
        _segments = Split(text);
        Validate();
        _regex = BuildRegex();
    }

    /// <summary>How many objects the template describes (1 or 2).</summary>
    public int ObjectCount { get; }

    /// <summary>Position in <see cref="CaptionTemplates.ForObjectCount"/>.</summary>
    public int Index { get; }

    public string Text { get; }

    /// <summary>Whether the template names the objects' positions ({p1}, {p2}) rather than a relation.</summary>
    public bool UsesPositions => _segments.Any(s => s.Token == "p1");

    public override string ToString() => Text;

    /// <summary>
    /// The caption for <paramref name="scene"/>. For two objects, <paramref name="swapOrder"/> mentions the
    /// scene's second object first (with the inverse relation).
    /// </summary>
    public string Fill(SceneSpec scene, bool swapOrder = false)
    {
        ArgumentNullException.ThrowIfNull(scene);
        if (scene.ObjectCount != ObjectCount)
        {
            throw new ArgumentException(
                $"template '{Text}' describes {ObjectCount} object(s), the scene has {scene.ObjectCount}", nameof(scene));
        }
        var one = swapOrder && scene.Second is not null ? scene.Second : scene.First;
        var two = swapOrder && scene.Second is not null ? scene.First : scene.Second;
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["bg"] = SceneVocabulary.Word(scene.Background),
            ["s1"] = SceneVocabulary.Word(one.Size),
            ["c1"] = SceneVocabulary.Word(one.Color),
            ["h1"] = SceneVocabulary.Word(one.Shape),
            ["p1"] = SceneVocabulary.Phrase(one.Position),
        };
        if (two is not null)
        {
            var relation = SceneVocabulary.RelationBetween(one.Position, two.Position)!.Value;
            values["s2"] = SceneVocabulary.Word(two.Size);
            values["c2"] = SceneVocabulary.Word(two.Color);
            values["h2"] = SceneVocabulary.Word(two.Shape);
            values["p2"] = SceneVocabulary.Phrase(two.Position);
            values["rel"] = SceneVocabulary.Phrase(relation);
            values["relshort"] = SceneVocabulary.Word(relation);
        }

        var parts = _segments.Select(s => s.Token is null ? s.Literal! : s.Token == "a" ? null : values[s.Token]).ToArray();
        var caption = new StringBuilder();
        for (int i = 0; i < parts.Length; i++)
        {
            caption.Append(parts[i] ?? Article(FollowingText(parts, i + 1)));
        }
        return caption.ToString();
    }

    /// <summary>The scene a caption of this template describes (objects in the order mentioned), or null if it does not match.</summary>
    public SceneSpec? TryRead(string caption)
    {
        ArgumentNullException.ThrowIfNull(caption);
        var match = _regex.Match(caption);
        if (!match.Success)
        {
            return null;
        }
        string Group(string name) => match.Groups[name].Value;
        var background = SceneVocabulary.ParseColor(Group("bg"));
        ObjectSpec Object(string n, ObjectPosition position) => new(
            SceneVocabulary.ParseShape(Group("h" + n)),
            SceneVocabulary.ParseColor(Group("c" + n)),
            SceneVocabulary.ParseSize(Group("s" + n)),
            position);
        try
        {
            if (ObjectCount == 1)
            {
                return new SceneSpec(background, Object("1", SceneVocabulary.ParsePosition(Group("p1"))));
            }
            if (UsesPositions)
            {
                return new SceneSpec(
                    background,
                    Object("1", SceneVocabulary.ParsePosition(Group("p1"))),
                    Object("2", SceneVocabulary.ParsePosition(Group("p2"))));
            }
            string relation = match.Groups["rel"].Success ? Group("rel") : Group("relshort");
            var (first, second) = SceneVocabulary.PositionsOf(SceneVocabulary.ParseRelation(relation));
            return new SceneSpec(background, Object("1", first), Object("2", second));
        }
        catch (ArgumentException e)
        {
            // Words that match the pattern but make no valid scene (an object the colour of the background, two
            // objects at positions that are not a pair).
            throw new FormatException($"'{caption}' describes no valid scene: {e.Message}", e);
        }
    }

    private static string FollowingText(string?[] parts, int start)
    {
        for (int i = start; i < parts.Length; i++)
        {
            string trimmed = (parts[i] ?? "a").TrimStart();
            if (trimmed.Length > 0)
            {
                return trimmed;
            }
        }
        return "";
    }

    private static string Article(string next) =>
        next.Length > 0 && "aeiouAEIOU".Contains(next[0], StringComparison.Ordinal) ? "an" : "a";

    private void Validate()
    {
        var counts = _segments.Where(s => s.Token is not null && s.Token != "a")
            .GroupBy(s => s.Token!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        if (counts.Where(c => c.Value > 1).Select(c => c.Key).FirstOrDefault() is { } repeated)
        {
            throw new ArgumentException($"template '{Text}': {{{repeated}}} appears more than once");
        }
        bool Has(string token) => counts.ContainsKey(token);
        string[] required = ObjectCount == 1
            ? ["bg", "s1", "c1", "h1", "p1"]
            : ["bg", "s1", "c1", "h1", "s2", "c2", "h2"];
        if (required.FirstOrDefault(t => !Has(t)) is { } missing)
        {
            throw new ArgumentException($"template '{Text}' lacks {{{missing}}}");
        }
        if (ObjectCount == 1 && counts.Keys.Any(k => k.EndsWith('2') || k.StartsWith("rel", StringComparison.Ordinal)))
        {
            throw new ArgumentException($"one-object template '{Text}' refers to a second object");
        }
        int placements = (Has("rel") ? 1 : 0) + (Has("relshort") ? 1 : 0) + (Has("p1") && Has("p2") ? 1 : 0);
        if (ObjectCount == 2 && (placements != 1 || Has("p1") != Has("p2")))
        {
            throw new ArgumentException($"two-object template '{Text}' needs exactly one of {{rel}}, {{relshort}} or {{p1}} with {{p2}}");
        }
    }

    private Regex BuildRegex()
    {
        var pattern = new StringBuilder(@"^\s*");
        foreach (var segment in _segments)
        {
            if (segment.Token is null)
            {
                // Any run of spaces in the template matches any run of white space.
                pattern.AppendJoin(@"\s+", segment.Literal!.Split(' ').Select(Regex.Escape));
            }
            else if (segment.Token == "a")
            {
                pattern.Append("an?");
            }
            else
            {
                pattern.Append("(?<").Append(segment.Token).Append('>')
                    .AppendJoin('|', TokenWords(segment.Token).OrderByDescending(w => w.Length).Select(Regex.Escape))
                    .Append(')');
            }
        }
        pattern.Append(@"\s*\.?\s*$");
        return new Regex(pattern.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);
    }

    private static IEnumerable<string> TokenWords(string token) => token switch
    {
        "bg" or "c1" or "c2" => SceneVocabulary.Colors.Select(SceneVocabulary.Word),
        "s1" or "s2" => SceneVocabulary.Sizes.Select(SceneVocabulary.Word),
        "h1" or "h2" => SceneVocabulary.Shapes.Select(SceneVocabulary.Word),
        "p1" or "p2" => SceneVocabulary.Positions.Select(SceneVocabulary.Phrase),
        "rel" => SceneVocabulary.Relations.Select(SceneVocabulary.Phrase),
        "relshort" => SceneVocabulary.Relations.Select(SceneVocabulary.Word),
        _ => throw new InvalidOperationException($"unknown token {{{token}}}"),
    };

    private static List<Segment> Split(string text)
    {
        var segments = new List<Segment>();
        int start = 0;
        foreach (Match token in TokenRegex().Matches(text))
        {
            if (token.Index > start)
            {
                segments.Add(new Segment(text[start..token.Index], null));
            }
            string name = token.Groups[1].Value;
            if (!TokenNames.Contains(name, StringComparer.Ordinal))
            {
                throw new ArgumentException($"template '{text}': unknown token {{{name}}}");
            }
            segments.Add(new Segment(null, name));
            start = token.Index + token.Length;
        }
        if (start < text.Length)
        {
            segments.Add(new Segment(text[start..], null));
        }
        if (segments.Any(s => s.Literal is { } literal && (literal.Contains('{', StringComparison.Ordinal) || literal.Contains('}', StringComparison.Ordinal))))
        {
            throw new ArgumentException($"template '{text}' has a malformed token");
        }
        return segments;
    }

    [GeneratedRegex(@"\{([a-z0-9]+)\}")]
    private static partial Regex TokenRegex();

    private sealed record Segment(string? Literal, string? Token);
}

/// <summary>The caption templates, and the deterministic choice of one per sample.</summary>
public static class CaptionTemplates
{
    /// <summary>Templates for one object, e.g. "a large red circle on the left on a blue background".</summary>
    public static IReadOnlyList<CaptionTemplate> OneObject { get; } = Build(1,
    [
        "{a} {s1} {c1} {h1} {p1} on {a} {bg} background",
        "{bg} background, {s1} {c1} {h1} {p1}",
        "{a} {c1} {h1}, {s1}, {p1}, on {bg}",
        "{p1}, {a} {s1} {c1} {h1} on {a} {bg} background",
        "{a} {bg} background with {a} {s1} {c1} {h1} {p1}",
        "{s1} {c1} {h1} {p1}, {bg} background",
        "{a} {s1} {h1} in {c1} {p1} on {a} {bg} background",
        "{c1} {h1}, {s1}, {p1} of the image, {bg} background",
    ]);

    /// <summary>Templates for two objects, e.g. "blue background, small green triangle above a yellow square".</summary>
    public static IReadOnlyList<CaptionTemplate> TwoObjects { get; } = Build(2,
    [
        "{a} {s1} {c1} {h1} {rel} {a} {s2} {c2} {h2} on {a} {bg} background",
        "{bg} background, {s1} {c1} {h1} {relshort} {a} {s2} {c2} {h2}",
        "two shapes on {bg}: {a} {s1} {c1} {h1} {p1} and {a} {s2} {c2} {h2} {p2}",
        "{a} {bg} background with {a} {s1} {c1} {h1} {rel} {a} {s2} {c2} {h2}",
        "{a} {c1} {h1}, {s1}, {relshort} {a} {c2} {h2}, {s2}, on {bg}",
        "{p1}, {a} {s1} {c1} {h1}; {p2}, {a} {s2} {c2} {h2}; {bg} background",
    ]);

    /// <summary>The templates for scenes of <paramref name="objectCount"/> objects.</summary>
    public static IReadOnlyList<CaptionTemplate> ForObjectCount(int objectCount) => objectCount switch
    {
        1 => OneObject,
        2 => TwoObjects,
        _ => throw new ArgumentOutOfRangeException(nameof(objectCount), objectCount, "scenes have 1 or 2 objects"),
    };

    private static CaptionTemplate[] Build(int objectCount, string[] texts) =>
        texts.Select((text, index) => new CaptionTemplate(objectCount, index, text)).ToArray();
}
