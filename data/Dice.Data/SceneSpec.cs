namespace Dice.Data;

/// <summary>One object of a scene: what it is, its colour, its size and where it sits.</summary>
public sealed record ObjectSpec
{
    public ObjectSpec(ShapeKind shape, ColorName color, ObjectSize size, ObjectPosition position)
    {
        Shape = Defined(shape);
        Color = Defined(color);
        Size = Defined(size);
        Position = Defined(position);
    }

    public ShapeKind Shape { get; }

    public ColorName Color { get; }

    public ObjectSize Size { get; }

    public ObjectPosition Position { get; }

    /// <summary>This object moved to <paramref name="position"/>.</summary>
    public ObjectSpec At(ObjectPosition position) => new(Shape, Color, Size, position);

    /// <summary>"large red circle (left)".</summary>
    public override string ToString() =>
        $"{SceneVocabulary.Word(Size)} {SceneVocabulary.Word(Color)} {SceneVocabulary.Word(Shape)} ({SceneVocabulary.Word(Position)})";

    private static T Defined<T>(T value) where T : struct, Enum =>
        Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(typeof(T).Name, value, $"not a defined {typeof(T).Name}");
}

/// <summary>
/// A scene: a background colour and one or two objects. Validated on construction:
/// <list type="bullet">
/// <item>no object has the background's colour;</item>
/// <item>two objects form a left/right or top/bottom pair (their positions are opposite, so they never share a
/// position and never overlap, and <see cref="Relation"/> follows from them).</item>
/// </list>
/// Equality is by value. The order of two objects is the order a caption mentions them in; two scenes that differ
/// only in that order are the same picture (<see cref="Canonical"/> makes them equal).
/// </summary>
public sealed record SceneSpec
{
    public SceneSpec(ColorName background, ObjectSpec first, ObjectSpec? second = null)
    {
        ArgumentNullException.ThrowIfNull(first);
        if (!Enum.IsDefined(background))
        {
            throw new ArgumentOutOfRangeException(nameof(background), background, "not a defined ColorName");
        }
        if (first.Color == background || second?.Color == background)
        {
            throw new ArgumentException(
                $"an object has the background's colour ({SceneVocabulary.Word(background)})", second is null ? nameof(first) : nameof(second));
        }
        if (second is not null && SceneVocabulary.RelationBetween(first.Position, second.Position) is null)
        {
            throw new ArgumentException(
                $"two objects must sit left and right or top and bottom of each other, not {SceneVocabulary.Word(first.Position)} and {SceneVocabulary.Word(second.Position)}",
                nameof(second));
        }
        Background = background;
        First = first;
        Second = second;
    }

    /// <summary>A two-object scene from a relation: <paramref name="first"/> is <paramref name="relation"/> <paramref name="second"/>; the objects' positions are set from it.</summary>
    public static SceneSpec Pair(ColorName background, ObjectSpec first, SpatialRelation relation, ObjectSpec second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var (firstPosition, secondPosition) = SceneVocabulary.PositionsOf(relation);
        return new SceneSpec(background, first.At(firstPosition), second.At(secondPosition));
    }

    public ColorName Background { get; }

    public ObjectSpec First { get; }

    /// <summary>The second object, or null in a one-object scene.</summary>
    public ObjectSpec? Second { get; }

    /// <summary>1 or 2.</summary>
    public int ObjectCount => Second is null ? 1 : 2;

    /// <summary>The objects in order (one or two).</summary>
    public IReadOnlyList<ObjectSpec> Objects => Second is null ? [First] : [First, Second];

    /// <summary>Where <see cref="First"/> is relative to <see cref="Second"/>; null in a one-object scene.</summary>
    public SpatialRelation? Relation => Second is null ? null : SceneVocabulary.RelationBetween(First.Position, Second.Position);

    /// <summary>Whether the objects are in canonical order: the left one, or the top one, first.</summary>
    public bool IsCanonical => Relation is null or SpatialRelation.LeftOf or SpatialRelation.Above;

    /// <summary>
    /// The same picture with the objects in canonical order (left before right, top before bottom), which is the
    /// order that can be read off the image alone and the order of <see cref="AttributeSchema"/>'s object slots.
    /// </summary>
    public SceneSpec Canonical() => IsCanonical ? this : new SceneSpec(Background, Second!, First);

    /// <summary>"large red circle (left) left of small blue square (right) on white".</summary>
    public override string ToString() => Second is null
        ? $"{First} on {SceneVocabulary.Word(Background)}"
        : $"{First} {SceneVocabulary.Word(Relation!.Value)} {Second} on {SceneVocabulary.Word(Background)}";
}
