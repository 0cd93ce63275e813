using System.Globalization;

namespace Dice.Data;

/// <summary>One classification head of <see cref="AttributeSchema"/>: its name and class names (index = class).</summary>
public sealed class AttributeHead
{
    internal AttributeHead(string name, IReadOnlyList<string> classNames)
    {
        Name = name;
        ClassNames = classNames;
    }

    /// <summary>"count", "background", "object1.shape", ...</summary>
    public string Name { get; }

    public IReadOnlyList<string> ClassNames { get; }

    public int ClassCount => ClassNames.Count;

    /// <summary>The index of the "none" class (last), or −1 if the head has none.</summary>
    public int NoneClass => ClassNames[^1] == AttributeSchema.None ? ClassNames.Count - 1 : -1;

    /// <summary>The class index of <paramref name="className"/>, or −1.</summary>
    public int IndexOf(string className)
    {
        for (int i = 0; i < ClassNames.Count; i++)
        {
            if (string.Equals(ClassNames[i], className, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    public override string ToString() => $"{Name} ({string.Join(", ", ClassNames)})";
}

/// <summary>
/// The label schema of the attribute classifier and the evaluation: a fixed list of classification heads, each
/// with integer classes, that together describe a scene as it can be seen in the image. Heads, in order:
/// <list type="number">
/// <item>count: one, two</item>
/// <item>background: the colours</item>
/// <item>object1.shape, object1.color, object1.size, object1.position</item>
/// <item>object2.shape, object2.color, object2.size, object2.position, each with a last class "none" for
/// one-object scenes</item>
/// </list>
/// Object slots follow <see cref="SceneSpec.Canonical"/> order (the left or top object is object1), which can be
/// read off the image; caption order cannot. Class indices of colours, shapes, sizes and positions are the values of
/// <see cref="ColorName"/>, <see cref="ShapeKind"/>, <see cref="ObjectSize"/> and <see cref="ObjectPosition"/>, and
/// class names are their <see cref="SceneVocabulary"/> words. A change to any of this must bump <see cref="Version"/>.
/// </summary>
public static class AttributeSchema
{
    /// <summary>Version of the schema, to store beside a trained classifier.</summary>
    public const int Version = 1;

    /// <summary>Class name of an absent second object.</summary>
    public const string None = "none";

    public const int CountHead = 0;
    public const int BackgroundHead = 1;
    public const int Object1ShapeHead = 2;
    public const int Object1ColorHead = 3;
    public const int Object1SizeHead = 4;
    public const int Object1PositionHead = 5;
    public const int Object2ShapeHead = 6;
    public const int Object2ColorHead = 7;
    public const int Object2SizeHead = 8;
    public const int Object2PositionHead = 9;

    private static readonly string[] ShapeNames = SceneVocabulary.Shapes.Select(SceneVocabulary.Word).ToArray();
    private static readonly string[] ColorNames = SceneVocabulary.Colors.Select(SceneVocabulary.Word).ToArray();
    private static readonly string[] SizeNames = SceneVocabulary.Sizes.Select(SceneVocabulary.Word).ToArray();
    private static readonly string[] PositionNames = SceneVocabulary.Positions.Select(SceneVocabulary.Word).ToArray();

    public static IReadOnlyList<AttributeHead> Heads { get; } =
    [
        new("count", ["one", "two"]),
        new("background", ColorNames),
        new("object1.shape", ShapeNames),
        new("object1.color", ColorNames),
        new("object1.size", SizeNames),
        new("object1.position", PositionNames),
        new("object2.shape", [.. ShapeNames, None]),
        new("object2.color", [.. ColorNames, None]),
        new("object2.size", [.. SizeNames, None]),
        new("object2.position", [.. PositionNames, None]),
    ];

    public static int HeadCount => Heads.Count;

    /// <summary>The index of the head called <paramref name="name"/>.</summary>
    public static int HeadIndex(string name)
    {
        for (int i = 0; i < Heads.Count; i++)
        {
            if (string.Equals(Heads[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        throw new ArgumentException($"no attribute head called '{name}'", nameof(name));
    }

    /// <summary>The class index of each head for <paramref name="scene"/> (in canonical order).</summary>
    public static int[] Encode(SceneSpec scene)
    {
        ArgumentNullException.ThrowIfNull(scene);
        var canonical = scene.Canonical();
        var labels = new int[HeadCount];
        labels[CountHead] = canonical.ObjectCount - 1;
        labels[BackgroundHead] = (int)canonical.Background;
        EncodeObject(canonical.First, labels, Object1ShapeHead);
        if (canonical.Second is { } second)
        {
            EncodeObject(second, labels, Object2ShapeHead);
        }
        else
        {
            for (int head = Object2ShapeHead; head <= Object2PositionHead; head++)
            {
                labels[head] = Heads[head].NoneClass;
            }
        }
        return labels;
    }

    /// <summary>
    /// The scene that <paramref name="labels"/> describe (canonical order), for instance to turn a classifier's
    /// predictions back into a scene.
    /// </summary>
    /// <exception cref="ArgumentException">A label is out of range, or the labels are inconsistent (count one with a second object, a second object with "none" in some heads, no valid scene).</exception>
    public static SceneSpec Decode(ReadOnlySpan<int> labels)
    {
        if (labels.Length != HeadCount)
        {
            throw new ArgumentException($"expected {HeadCount} labels, got {labels.Length}", nameof(labels));
        }
        for (int head = 0; head < HeadCount; head++)
        {
            if (labels[head] < 0 || labels[head] >= Heads[head].ClassCount)
            {
                throw new ArgumentException(
                    $"label {labels[head]} of head {Heads[head].Name} is outside [0, {Heads[head].ClassCount})", nameof(labels));
            }
        }
        int count = labels[CountHead] + 1;
        int absent = 0;
        for (int head = Object2ShapeHead; head <= Object2PositionHead; head++)
        {
            absent += labels[head] == Heads[head].NoneClass ? 1 : 0;
        }
        if ((count == 1 && absent != 4) || (count == 2 && absent != 0))
        {
            throw new ArgumentException(
                $"count is {Heads[CountHead].ClassNames[labels[CountHead]]} but {4 - absent} of 4 object2 heads name an object", nameof(labels));
        }
        var first = DecodeObject(labels, Object1ShapeHead);
        var second = count == 2 ? DecodeObject(labels, Object2ShapeHead) : null;
        return new SceneSpec((ColorName)labels[BackgroundHead], first, second);
    }

    /// <summary>"count=two background=blue object1.shape=circle ..." for logs and error messages.</summary>
    public static string Describe(ReadOnlySpan<int> labels)
    {
        var parts = new List<string>(labels.Length);
        for (int head = 0; head < labels.Length && head < HeadCount; head++)
        {
            int label = labels[head];
            string name = label >= 0 && label < Heads[head].ClassCount
                ? Heads[head].ClassNames[label]
                : label.ToString(CultureInfo.InvariantCulture) + "?";
            parts.Add($"{Heads[head].Name}={name}");
        }
        return string.Join(' ', parts);
    }

    private static void EncodeObject(ObjectSpec obj, int[] labels, int firstHead)
    {
        labels[firstHead] = (int)obj.Shape;
        labels[firstHead + 1] = (int)obj.Color;
        labels[firstHead + 2] = (int)obj.Size;
        labels[firstHead + 3] = (int)obj.Position;
    }

    private static ObjectSpec DecodeObject(ReadOnlySpan<int> labels, int firstHead) => new(
        (ShapeKind)labels[firstHead],
        (ColorName)labels[firstHead + 1],
        (ObjectSize)labels[firstHead + 2],
        (ObjectPosition)labels[firstHead + 3]);
}
