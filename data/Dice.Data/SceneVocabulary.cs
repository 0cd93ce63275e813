using Dice.Core.Images;

namespace Dice.Data;

/// <summary>The shapes a scene can hold. The numeric values are class indices (see <see cref="AttributeSchema"/>).</summary>
public enum ShapeKind
{
    Circle = 0,
    Square = 1,
    Triangle = 2,
}

/// <summary>
/// The named colours of objects and backgrounds. The numeric values are class indices (see
/// <see cref="AttributeSchema"/>); the RGB values are in <see cref="SceneVocabulary.Rgb"/>.
/// </summary>
public enum ColorName
{
    Red = 0,
    Yellow = 1,
    Green = 2,
    Cyan = 3,
    Blue = 4,
    Purple = 5,
    White = 6,
    Black = 7,
}

/// <summary>Object sizes. The numeric values are class indices.</summary>
public enum ObjectSize
{
    Small = 0,
    Large = 1,
}

/// <summary>Where an object sits in the image. The numeric values are class indices.</summary>
public enum ObjectPosition
{
    Centre = 0,
    Left = 1,
    Right = 2,
    Top = 3,
    Bottom = 4,
}

/// <summary>Where the first object of a two-object scene is relative to the second.</summary>
public enum SpatialRelation
{
    LeftOf = 0,
    RightOf = 1,
    Above = 2,
    Below = 3,
}

/// <summary>
/// The words captions use for each attribute value, the RGB value of each colour, and the reverse look-ups. The
/// words are also the class names of <see cref="AttributeSchema"/> and the values stored in metadata.jsonl.
/// </summary>
public static class SceneVocabulary
{
    public static IReadOnlyList<ShapeKind> Shapes { get; } = Enum.GetValues<ShapeKind>();

    public static IReadOnlyList<ColorName> Colors { get; } = Enum.GetValues<ColorName>();

    public static IReadOnlyList<ObjectSize> Sizes { get; } = Enum.GetValues<ObjectSize>();

    public static IReadOnlyList<ObjectPosition> Positions { get; } = Enum.GetValues<ObjectPosition>();

    public static IReadOnlyList<SpatialRelation> Relations { get; } = Enum.GetValues<SpatialRelation>();

    public static string Word(ShapeKind shape) => shape switch
    {
        ShapeKind.Circle => "circle",
        ShapeKind.Square => "square",
        ShapeKind.Triangle => "triangle",
        _ => throw Undefined(shape),
    };

    public static string Word(ColorName color) => color switch
    {
        ColorName.Red => "red",
        ColorName.Yellow => "yellow",
        ColorName.Green => "green",
        ColorName.Cyan => "cyan",
        ColorName.Blue => "blue",
        ColorName.Purple => "purple",
        ColorName.White => "white",
        ColorName.Black => "black",
        _ => throw Undefined(color),
    };

    public static string Word(ObjectSize size) => size switch
    {
        ObjectSize.Small => "small",
        ObjectSize.Large => "large",
        _ => throw Undefined(size),
    };

    /// <summary>The one-word name of a position ("centre", "left", ...), as stored in metadata and class names.</summary>
    public static string Word(ObjectPosition position) => position switch
    {
        ObjectPosition.Centre => "centre",
        ObjectPosition.Left => "left",
        ObjectPosition.Right => "right",
        ObjectPosition.Top => "top",
        ObjectPosition.Bottom => "bottom",
        _ => throw Undefined(position),
    };

    /// <summary>How captions place an object: "on the left", "at the top", "in the centre", ...</summary>
    public static string Phrase(ObjectPosition position) => position switch
    {
        ObjectPosition.Centre => "in the centre",
        ObjectPosition.Left => "on the left",
        ObjectPosition.Right => "on the right",
        ObjectPosition.Top => "at the top",
        ObjectPosition.Bottom => "at the bottom",
        _ => throw Undefined(position),
    };

    /// <summary>The short name of a relation, as stored in metadata: "left of", "right of", "above", "below".</summary>
    public static string Word(SpatialRelation relation) => relation switch
    {
        SpatialRelation.LeftOf => "left of",
        SpatialRelation.RightOf => "right of",
        SpatialRelation.Above => "above",
        SpatialRelation.Below => "below",
        _ => throw Undefined(relation),
    };

    /// <summary>The long form of a relation: "to the left of", "to the right of", "above", "below".</summary>
    public static string Phrase(SpatialRelation relation) => relation switch
    {
        SpatialRelation.LeftOf => "to the left of",
        SpatialRelation.RightOf => "to the right of",
        SpatialRelation.Above => "above",
        SpatialRelation.Below => "below",
        _ => throw Undefined(relation),
    };

    /// <summary>
    /// The sRGB value a colour is rendered with. Six hues about 60° apart plus white and black, saturated and with
    /// every pair more than 130 apart in RGB (Euclidean), so that they stay distinct after blurring and a lossy autoencoder.
    /// </summary>
    public static RgbColor Rgb(ColorName color) => color switch
    {
        ColorName.Red => new RgbColor(220, 40, 40),
        ColorName.Yellow => new RgbColor(245, 210, 30),
        ColorName.Green => new RgbColor(40, 170, 60),
        ColorName.Cyan => new RgbColor(20, 210, 220),
        ColorName.Blue => new RgbColor(40, 70, 215),
        ColorName.Purple => new RgbColor(170, 40, 190),
        ColorName.White => new RgbColor(245, 245, 245),
        ColorName.Black => new RgbColor(25, 25, 25),
        _ => throw Undefined(color),
    };

    /// <summary>The spatial relation's opposite: left of ↔ right of, above ↔ below.</summary>
    public static SpatialRelation Inverse(SpatialRelation relation) => relation switch
    {
        SpatialRelation.LeftOf => SpatialRelation.RightOf,
        SpatialRelation.RightOf => SpatialRelation.LeftOf,
        SpatialRelation.Above => SpatialRelation.Below,
        SpatialRelation.Below => SpatialRelation.Above,
        _ => throw Undefined(relation),
    };

    /// <summary>The positions of (first, second) object that <paramref name="relation"/> (first relative to second) implies.</summary>
    public static (ObjectPosition First, ObjectPosition Second) PositionsOf(SpatialRelation relation) => relation switch
    {
        SpatialRelation.LeftOf => (ObjectPosition.Left, ObjectPosition.Right),
        SpatialRelation.RightOf => (ObjectPosition.Right, ObjectPosition.Left),
        SpatialRelation.Above => (ObjectPosition.Top, ObjectPosition.Bottom),
        SpatialRelation.Below => (ObjectPosition.Bottom, ObjectPosition.Top),
        _ => throw Undefined(relation),
    };

    /// <summary>The relation of an object at <paramref name="first"/> to one at <paramref name="second"/>, or null if they are not a left/right or top/bottom pair.</summary>
    public static SpatialRelation? RelationBetween(ObjectPosition first, ObjectPosition second) => (first, second) switch
    {
        (ObjectPosition.Left, ObjectPosition.Right) => SpatialRelation.LeftOf,
        (ObjectPosition.Right, ObjectPosition.Left) => SpatialRelation.RightOf,
        (ObjectPosition.Top, ObjectPosition.Bottom) => SpatialRelation.Above,
        (ObjectPosition.Bottom, ObjectPosition.Top) => SpatialRelation.Below,
        _ => null,
    };

    public static ShapeKind ParseShape(string word) => Parse(Shapes, Word, word, "shape");

    public static ColorName ParseColor(string word) => Parse(Colors, Word, word, "colour");

    public static ObjectSize ParseSize(string word) => Parse(Sizes, Word, word, "size");

    /// <summary>A position from its word ("left") or its caption phrase ("on the left").</summary>
    public static ObjectPosition ParsePosition(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        foreach (var position in Positions)
        {
            if (string.Equals(word, Phrase(position), StringComparison.OrdinalIgnoreCase))
            {
                return position;
            }
        }
        return Parse(Positions, Word, word, "position");
    }

    /// <summary>A relation from its short ("left of") or long ("to the left of") form.</summary>
    public static SpatialRelation ParseRelation(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        foreach (var relation in Relations)
        {
            if (string.Equals(word, Phrase(relation), StringComparison.OrdinalIgnoreCase))
            {
                return relation;
            }
        }
        return Parse(Relations, Word, word, "relation");
    }

    private static T Parse<T>(IReadOnlyList<T> values, Func<T, string> word, string text, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var value in values)
        {
            if (string.Equals(text, word(value), StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }
        throw new FormatException(
            $"'{text}' is not a {what}; expected one of: {string.Join(", ", values.Select(word))}");
    }

    private static ArgumentOutOfRangeException Undefined<T>(T value) where T : struct, Enum =>
        new(typeof(T).Name, value, $"not a defined {typeof(T).Name}");
}
