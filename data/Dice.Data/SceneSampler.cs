namespace Dice.Data;

/// <summary>
/// Draws random scenes, deterministically: scene <c>index</c> of a sampler depends only on (seed, index), not on
/// the order or number of scenes drawn. With probability <see cref="TwoObjectProbability"/> a scene has two
/// objects, side by side (left/right) or stacked (top/bottom) with equal probability; otherwise one object at one
/// of the five positions. The background is uniform over the colours; each object's shape, size and colour are
/// uniform, the colour among those other than the background's. Two objects may share shape or colour.
/// Two-object scenes are returned in canonical order (see <see cref="SceneSpec.Canonical"/>).
/// </summary>
public sealed class SceneSampler
{
    /// <summary>The stream of <see cref="DeterministicRandom.For"/> scenes are drawn from.</summary>
    internal const ulong RandomStream = 0x5CE9E;

    public const double DefaultTwoObjectProbability = 0.4;

    public SceneSampler(long seed, double twoObjectProbability = DefaultTwoObjectProbability)
    {
        if (!(twoObjectProbability is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(twoObjectProbability), twoObjectProbability, "must lie in [0, 1]");
        }
        Seed = seed;
        TwoObjectProbability = twoObjectProbability;
    }

    public long Seed { get; }

    public double TwoObjectProbability { get; }

    /// <summary>Scene number <paramref name="index"/>.</summary>
    public SceneSpec Sample(long index) => Sample(DeterministicRandom.For(Seed, index, RandomStream), TwoObjectProbability);

    /// <summary>A scene drawn from <paramref name="random"/>.</summary>
    public static SceneSpec Sample(DeterministicRandom random, double twoObjectProbability = DefaultTwoObjectProbability)
    {
        ArgumentNullException.ThrowIfNull(random);
        var background = random.Choose(SceneVocabulary.Colors);
        if (!random.NextBool(twoObjectProbability))
        {
            return new SceneSpec(background, SampleObject(random, background, random.Choose(SceneVocabulary.Positions)));
        }
        bool sideBySide = random.NextBool();
        var first = SampleObject(random, background, sideBySide ? ObjectPosition.Left : ObjectPosition.Top);
        var second = SampleObject(random, background, sideBySide ? ObjectPosition.Right : ObjectPosition.Bottom);
        return new SceneSpec(background, first, second);
    }

    private static ObjectSpec SampleObject(DeterministicRandom random, ColorName background, ObjectPosition position)
    {
        var shape = random.Choose(SceneVocabulary.Shapes);
        // Uniform over the colours other than the background's.
        int colorIndex = random.NextInt(SceneVocabulary.Colors.Count - 1);
        var color = SceneVocabulary.Colors[colorIndex >= (int)background ? colorIndex + 1 : colorIndex];
        var size = random.Choose(SceneVocabulary.Sizes);
        return new ObjectSpec(shape, color, size, position);
    }
}
