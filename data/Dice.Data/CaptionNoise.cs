namespace Dice.Data;

/// <summary>
/// Mis-states attributes in captions the way web alt-text does, so that a caption pins down its image only
/// loosely: each attribute a caption states (the background colour; each object's shape, colour and size; where a
/// lone object sits, or how two objects sit relative to each other) is, with probability <see cref="Probability"/>,
/// replaced by a uniformly drawn different value. Object colours stay different from the stated background. The
/// image keeps the true scene. A model trained on such pairs learns a broad p(image | caption), the regime in which
/// classifier-free guidance pays: the caption's stated value is still the most likely one, and guidance sharpens it.
/// </summary>
public sealed class CaptionNoise
{
    /// <summary>The stream of <see cref="DeterministicRandom.For"/> the corruptions are drawn from.</summary>
    internal const ulong RandomStream = 0xC0AA05E;

    public CaptionNoise(double probability)
    {
        if (!(probability is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "the caption-noise probability must lie in [0, 1]");
        }
        Probability = probability;
    }

    /// <summary>Chance that any one stated attribute is mis-stated.</summary>
    public double Probability { get; }

    /// <summary>The scene the caption of sample <paramref name="index"/> states (deterministic in seed and index).</summary>
    public SceneSpec Stated(SceneSpec scene, long seed, long index) =>
        Probability == 0 ? scene : Stated(scene, DeterministicRandom.For(seed, index, RandomStream));

    /// <summary>The scene a caption states, drawing the corruptions from <paramref name="random"/>.</summary>
    public SceneSpec Stated(SceneSpec scene, DeterministicRandom random)
    {
        ArgumentNullException.ThrowIfNull(scene);
        ArgumentNullException.ThrowIfNull(random);
        var background = scene.Background;
        if (random.NextBool(Probability))
        {
            // Any colour but the true one and the objects' (which the caption keeps unless they are corrupted below).
            background = Other(SceneVocabulary.Colors, background, random, c => scene.Objects.All(o => o.Color != c));
        }
        var first = Corrupt(scene.First, background, random);
        if (scene.Second is null)
        {
            var position = random.NextBool(Probability) ? Other(SceneVocabulary.Positions, first.Position, random) : first.Position;
            return new SceneSpec(background, first.At(position));
        }
        var second = Corrupt(scene.Second, background, random);
        var relation = scene.Relation!.Value;
        if (random.NextBool(Probability))
        {
            relation = Other(SceneVocabulary.Relations, relation, random);
        }
        return SceneSpec.Pair(background, first, relation, second);
    }

    private ObjectSpec Corrupt(ObjectSpec obj, ColorName background, DeterministicRandom random)
    {
        var shape = random.NextBool(Probability) ? Other(SceneVocabulary.Shapes, obj.Shape, random) : obj.Shape;
        var color = random.NextBool(Probability) || obj.Color == background
            ? Other(SceneVocabulary.Colors, obj.Color, random, c => c != background)
            : obj.Color;
        var size = random.NextBool(Probability) ? Other(SceneVocabulary.Sizes, obj.Size, random) : obj.Size;
        return new ObjectSpec(shape, color, size, obj.Position);
    }

    private static T Other<T>(IReadOnlyList<T> values, T current, DeterministicRandom random, Func<T, bool>? allowed = null)
        where T : struct, Enum
    {
        var choices = values.Where(v => !EqualityComparer<T>.Default.Equals(v, current) && (allowed?.Invoke(v) ?? true)).ToList();
        return random.Choose(choices);
    }
}
