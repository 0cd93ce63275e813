using Dice.Data;

namespace Dice.Data.Tests;

public class AttributeSchemaTests
{
    [Fact]
    public void Heads_and_classes_are_fixed()
    {
        Assert.Equal(
            ["count", "background", "object1.shape", "object1.color", "object1.size", "object1.position",
             "object2.shape", "object2.color", "object2.size", "object2.position"],
            AttributeSchema.Heads.Select(h => h.Name));
        Assert.Equal(["one", "two"], AttributeSchema.Heads[AttributeSchema.CountHead].ClassNames);
        Assert.Equal(["red", "yellow", "green", "cyan", "blue", "purple", "white", "black"],
            AttributeSchema.Heads[AttributeSchema.BackgroundHead].ClassNames);
        Assert.Equal(["circle", "square", "triangle"], AttributeSchema.Heads[AttributeSchema.Object1ShapeHead].ClassNames);
        Assert.Equal(["small", "large"], AttributeSchema.Heads[AttributeSchema.Object1SizeHead].ClassNames);
        Assert.Equal(["centre", "left", "right", "top", "bottom"], AttributeSchema.Heads[AttributeSchema.Object1PositionHead].ClassNames);
        Assert.Equal(["circle", "square", "triangle", "none"], AttributeSchema.Heads[AttributeSchema.Object2ShapeHead].ClassNames);
        Assert.Equal(3, AttributeSchema.Heads[AttributeSchema.Object2ShapeHead].NoneClass);
        Assert.Equal(-1, AttributeSchema.Heads[AttributeSchema.Object1ShapeHead].NoneClass);
        Assert.Equal(AttributeSchema.Object2PositionHead, AttributeSchema.HeadIndex("object2.position"));
        Assert.Throws<ArgumentException>(() => AttributeSchema.HeadIndex("object3.shape"));
    }

    [Fact]
    public void Encode_uses_canonical_slots_and_none_for_a_missing_object()
    {
        var circle = new ObjectSpec(ShapeKind.Circle, ColorName.Red, ObjectSize.Large, ObjectPosition.Right);
        var square = new ObjectSpec(ShapeKind.Square, ColorName.Green, ObjectSize.Small, ObjectPosition.Left);
        // The circle is mentioned first, but the square is on the left, so it fills slot 1.
        var labels = AttributeSchema.Encode(new SceneSpec(ColorName.White, circle, square));
        Assert.Equal([1, (int)ColorName.White, 1, (int)ColorName.Green, 0, 1, 0, (int)ColorName.Red, 1, 2], labels);
        Assert.Equal(
            "count=two background=white object1.shape=square object1.color=green object1.size=small object1.position=left "
            + "object2.shape=circle object2.color=red object2.size=large object2.position=right",
            AttributeSchema.Describe(labels));

        var single = AttributeSchema.Encode(new SceneSpec(ColorName.Black, circle.At(ObjectPosition.Centre)));
        Assert.Equal([0, (int)ColorName.Black, 0, (int)ColorName.Red, 1, 0, 3, 8, 2, 5], single);
    }

    [Fact]
    public void Decode_inverts_encode_and_rejects_inconsistent_labels()
    {
        var generator = new DatasetGenerator(2);
        foreach (var sample in generator.DescribeRange(500))
        {
            Assert.Equal(sample.Scene.Canonical(), AttributeSchema.Decode(AttributeSchema.Encode(sample.Scene)));
        }
        Assert.Throws<ArgumentException>(() => AttributeSchema.Decode([0, 6, 0, 0, 1, 0, 3, 8, 2, 4]));  // a none-less object2 slot
        Assert.Throws<ArgumentException>(() => AttributeSchema.Decode([1, 6, 0, 0, 1, 1, 3, 8, 2, 5]));  // count two, no object2
        Assert.Throws<ArgumentException>(() => AttributeSchema.Decode([0, 6, 0, 6, 1, 0, 3, 8, 2, 5]));  // object on its own colour
        Assert.Throws<ArgumentException>(() => AttributeSchema.Decode([0, 6, 9, 0, 1, 0, 3, 8, 2, 5]));  // out of range
        Assert.Throws<ArgumentException>(() => AttributeSchema.Decode([0, 6]));
    }
}
