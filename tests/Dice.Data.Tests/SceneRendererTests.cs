using Dice.Data;
using Dice.Core.Images;

namespace Dice.Data.Tests;

public class SceneRendererTests
{
    public static TheoryData<int> Sizes => [32, 64];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Rendered_pixels_match_the_scene(int size)
    {
        var generator = new DatasetGenerator(new DatasetOptions { Seed = 23, ImageSize = size });
        int count = size == 32 ? 600 : 150;
        for (int i = 0; i < count; i++)
        {
            var sample = generator.Generate(i);
            var scene = sample.Scene;
            var image = sample.Image;
            Assert.Equal(size, image.Width);
            Assert.Equal(size, image.Height);
            var background = SceneVocabulary.Rgb(scene.Background);

            // Corners are never covered.
            foreach (var (x, y) in new[] { (0, 0), (size - 1, 0), (0, size - 1), (size - 1, size - 1) })
            {
                Assert.Equal(background, image.GetPixel(x, y));
            }

            var centroids = new List<(double X, double Y)>();
            foreach (var obj in scene.Objects)
            {
                var geometry = SceneLayout.Geometry(obj, size);
                var color = SceneVocabulary.Rgb(obj.Color);
                Assert.Equal(color, image.GetPixel((int)geometry.CenterX, (int)geometry.CenterY));

                var (x0, y0, x1, y1) = SceneTestKit.Region(scene, obj, size);
                var (mass, cx, cy) = SceneTestKit.ColorMass(image, color, background, x0, y0, x1, y1);
                // Small shapes cover at most 1/16 of the image (a square), large ones at least ~3/32 (a triangle).
                double fraction = mass / (size * size);
                if (obj.Size == ObjectSize.Small)
                {
                    Assert.InRange(fraction, 0.02, 0.070);
                }
                else
                {
                    Assert.InRange(fraction, 0.085, 0.20);
                }
                // The colour mass sits where the position says: at the nearest anchor point, and in the object's half.
                Assert.Equal(obj.Position, SceneTestKit.NearestPosition(cx, cy, size));
                if (scene.ObjectCount == 1)
                {
                    var half = obj.Position switch
                    {
                        ObjectPosition.Left => SceneTestKit.ColorMass(image, color, background, 0, 0, size / 2, size),
                        ObjectPosition.Right => SceneTestKit.ColorMass(image, color, background, size / 2, 0, size, size),
                        ObjectPosition.Top => SceneTestKit.ColorMass(image, color, background, 0, 0, size, size / 2),
                        ObjectPosition.Bottom => SceneTestKit.ColorMass(image, color, background, 0, size / 2, size, size),
                        _ => SceneTestKit.ColorMass(image, color, background, size / 4, size / 4, 3 * size / 4, 3 * size / 4),
                    };
                    Assert.True(half.Mass >= 0.97 * mass, $"sample {i}: {obj} has mass {half.Mass} of {mass} in its half");
                }
                else if (scene.First.Color != scene.Second!.Color)
                {
                    // No pixel of the other half has this object's colour.
                    var other = scene.Objects.Single(o => o != obj);
                    var (ox0, oy0, ox1, oy1) = SceneTestKit.Region(scene, other, size);
                    for (int y = oy0; y < oy1; y++)
                    {
                        for (int x = ox0; x < ox1; x++)
                        {
                            Assert.NotEqual(color, image.GetPixel(x, y));
                        }
                    }
                }
                centroids.Add((cx, cy));
            }

            if (scene.Relation is { } relation)
            {
                var (first, second) = (centroids[0], centroids[1]);
                double gap = size / 4.0;
                switch (relation)
                {
                    case SpatialRelation.LeftOf: Assert.True(first.X < second.X - gap); break;
                    case SpatialRelation.RightOf: Assert.True(first.X > second.X + gap); break;
                    case SpatialRelation.Above: Assert.True(first.Y < second.Y - gap); break;
                    case SpatialRelation.Below: Assert.True(first.Y > second.Y + gap); break;
                }
            }
        }
    }

    [Fact]
    public void Large_objects_cover_more_pixels_than_small_ones_of_the_same_shape()
    {
        var renderer = new SceneRenderer();
        foreach (var shape in SceneVocabulary.Shapes)
        {
            double Mass(ObjectSize size)
            {
                var scene = new SceneSpec(ColorName.Black, new ObjectSpec(shape, ColorName.White, size, ObjectPosition.Centre));
                return SceneTestKit.ColorMass(renderer.Render(scene), SceneVocabulary.Rgb(ColorName.White),
                    SceneVocabulary.Rgb(ColorName.Black), 0, 0, 32, 32).Mass;
            }
            Assert.True(Mass(ObjectSize.Large) > 2 * Mass(ObjectSize.Small), shape.ToString());
        }
    }

    [Fact]
    public void Shapes_are_told_apart_by_their_fill()
    {
        // Square fills its box, a circle π/4 of it, a triangle half: the areas in pixels at 32×32, large (14 px).
        var renderer = new SceneRenderer();
        double Area(ShapeKind shape)
        {
            var scene = new SceneSpec(ColorName.Black, new ObjectSpec(shape, ColorName.Yellow, ObjectSize.Large, ObjectPosition.Centre));
            return SceneTestKit.ColorMass(renderer.Render(scene), SceneVocabulary.Rgb(ColorName.Yellow),
                SceneVocabulary.Rgb(ColorName.Black), 0, 0, 32, 32).Mass;
        }
        Assert.InRange(Area(ShapeKind.Square), 195, 197);
        Assert.InRange(Area(ShapeKind.Circle), 151, 157);
        Assert.InRange(Area(ShapeKind.Triangle), 96, 100);
    }

    [Fact]
    public void Rendering_is_deterministic_and_anti_aliased()
    {
        var scene = new SceneSpec(ColorName.Blue, new ObjectSpec(ShapeKind.Circle, ColorName.Yellow, ObjectSize.Large, ObjectPosition.Left));
        var a = new SceneRenderer().Render(scene);
        var b = new SceneRenderer().Render(scene);
        Assert.True(a.PixelsEqual(b));
        var yellow = SceneVocabulary.Rgb(ColorName.Yellow);
        var blue = SceneVocabulary.Rgb(ColorName.Blue);
        int blended = 0;
        for (int y = 0; y < 32; y++)
        {
            for (int x = 0; x < 32; x++)
            {
                var p = a.GetPixel(x, y);
                blended += p != yellow && p != blue ? 1 : 0;
            }
        }
        Assert.InRange(blended, 20, 60);
        var aliased = new SceneRenderer(supersampling: 1).Render(scene);
        Assert.All(Enumerable.Range(0, 32 * 32), i => Assert.Contains(aliased.GetPixel(i % 32, i / 32), new[] { yellow, blue }));
    }

    [Fact]
    public void Colours_are_far_apart()
    {
        var colors = SceneVocabulary.Colors.Select(SceneVocabulary.Rgb).ToArray();
        for (int i = 0; i < colors.Length; i++)
        {
            for (int j = i + 1; j < colors.Length; j++)
            {
                double distance = Math.Sqrt(Math.Pow(colors[i].R - colors[j].R, 2) + Math.Pow(colors[i].G - colors[j].G, 2) + Math.Pow(colors[i].B - colors[j].B, 2));
                Assert.True(distance > 130, $"{SceneVocabulary.Colors[i]} and {SceneVocabulary.Colors[j]} are {distance:F0} apart");
            }
        }
    }
}
