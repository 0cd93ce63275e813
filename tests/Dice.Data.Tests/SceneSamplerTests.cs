using Dice.Data;

namespace Dice.Data.Tests;

public class SceneSamplerTests
{
    [Fact]
    public void Same_seed_gives_same_scenes_and_index_does_not_depend_on_order()
    {
        var a = new SceneSampler(17);
        var b = new SceneSampler(17);
        var forward = Enumerable.Range(0, 200).Select(i => a.Sample(i)).ToArray();
        var backward = Enumerable.Range(0, 200).Reverse().Select(i => b.Sample(i)).Reverse().ToArray();
        Assert.Equal(forward, backward);
        var other = Enumerable.Range(0, 200).Select(i => new SceneSampler(18).Sample(i)).ToArray();
        Assert.True(forward.Zip(other).Count(p => p.First != p.Second) > 150);
    }

    [Fact]
    public void Scenes_are_valid_and_canonical()
    {
        var sampler = new SceneSampler(3);
        for (int i = 0; i < 2000; i++)
        {
            var scene = sampler.Sample(i);
            Assert.True(scene.IsCanonical);
            Assert.All(scene.Objects, o => Assert.NotEqual(scene.Background, o.Color));
            if (scene.Second is { } second)
            {
                Assert.NotEqual(scene.First.Position, second.Position);
                Assert.Contains(scene.Relation, new SpatialRelation?[] { SpatialRelation.LeftOf, SpatialRelation.Above });
            }
        }
    }

    [Fact]
    public void Every_attribute_value_occurs_in_2000_samples()
    {
        var generator = new DatasetGenerator(11);
        var samples = generator.DescribeRange(2000).ToArray();
        var scenes = samples.Select(s => s.Scene).ToArray();
        var objects = scenes.SelectMany(s => s.Objects).ToArray();
        Assert.Equal(SceneVocabulary.Shapes.Order(), objects.Select(o => o.Shape).Distinct().Order());
        Assert.Equal(SceneVocabulary.Colors.Order(), objects.Select(o => o.Color).Distinct().Order());
        Assert.Equal(SceneVocabulary.Colors.Order(), scenes.Select(s => s.Background).Distinct().Order());
        Assert.Equal(SceneVocabulary.Sizes.Order(), objects.Select(o => o.Size).Distinct().Order());
        Assert.Equal(SceneVocabulary.Positions.Order(), objects.Select(o => o.Position).Distinct().Order());
        Assert.Equal(SceneVocabulary.Positions.Order(),
            scenes.Where(s => s.ObjectCount == 1).Select(s => s.First.Position).Distinct().Order());
        Assert.Equal([1, 2], scenes.Select(s => s.ObjectCount).Distinct().Order());

        // Captions use every template, and both mention orders of every relation.
        var parsed = samples.Select(s => (Parsed: CaptionParser.TryParse(s.Caption, out var scene, out var template), scene, template)).ToArray();
        Assert.All(parsed, p => Assert.True(p.Parsed));
        Assert.Equal(CaptionTemplates.OneObject.Count + CaptionTemplates.TwoObjects.Count, parsed.Select(p => p.template).Distinct().Count());
        Assert.Equal(SceneVocabulary.Relations.Order(),
            parsed.Where(p => p.scene!.Relation is not null).Select(p => p.scene!.Relation!.Value).Distinct().Order());
    }

    [Fact]
    public void Two_object_probability_is_respected()
    {
        var sampler = new SceneSampler(5);
        double twoFraction = Enumerable.Range(0, 4000).Count(i => sampler.Sample(i).ObjectCount == 2) / 4000.0;
        Assert.InRange(twoFraction, 0.37, 0.43);
        Assert.All(Enumerable.Range(0, 100), i => Assert.Equal(1, new SceneSampler(5, 0).Sample(i).ObjectCount));
        Assert.All(Enumerable.Range(0, 100), i => Assert.Equal(2, new SceneSampler(5, 1).Sample(i).ObjectCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SceneSampler(5, 1.5));
    }

    [Fact]
    public void SceneSpec_rejects_invalid_scenes()
    {
        var red = new ObjectSpec(ShapeKind.Circle, ColorName.Red, ObjectSize.Small, ObjectPosition.Left);
        Assert.Throws<ArgumentException>(() => new SceneSpec(ColorName.Red, red));
        Assert.Throws<ArgumentException>(() => new SceneSpec(ColorName.Blue, red, red));
        Assert.Throws<ArgumentException>(() => new SceneSpec(ColorName.Blue, red, red.At(ObjectPosition.Top)));
        Assert.Throws<ArgumentException>(() => new SceneSpec(ColorName.Blue, red, red.At(ObjectPosition.Centre)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ObjectSpec((ShapeKind)7, ColorName.Red, ObjectSize.Small, ObjectPosition.Left));
        var stacked = new SceneSpec(ColorName.Blue, red.At(ObjectPosition.Bottom), red.At(ObjectPosition.Top));
        Assert.Equal(SpatialRelation.Below, stacked.Relation);
        Assert.False(stacked.IsCanonical);
    }

    [Fact]
    public void Relations_follow_positions_and_canonical_order_is_left_or_top_first()
    {
        var a = new ObjectSpec(ShapeKind.Circle, ColorName.Red, ObjectSize.Small, ObjectPosition.Centre);
        var b = new ObjectSpec(ShapeKind.Square, ColorName.Green, ObjectSize.Large, ObjectPosition.Centre);
        foreach (var relation in SceneVocabulary.Relations)
        {
            var scene = SceneSpec.Pair(ColorName.White, a, relation, b);
            Assert.Equal(relation, scene.Relation);
            var canonical = scene.Canonical();
            Assert.True(canonical.IsCanonical);
            Assert.Equal(canonical, new SceneSpec(scene.Background, scene.Second!, scene.First).Canonical());
            Assert.Contains(canonical.First.Position, new[] { ObjectPosition.Left, ObjectPosition.Top });
        }
    }
}
