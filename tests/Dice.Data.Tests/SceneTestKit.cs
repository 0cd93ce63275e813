using Dice.Data;
using Dice.Core.Images;

namespace Dice.Data.Tests;

/// <summary>Facts measured on rendered images, independent of the renderer's code.</summary>
internal static class SceneTestKit
{
    /// <summary>
    /// How much of <paramref name="color"/> (against <paramref name="background"/>) the pixels in a rectangle hold, in
    /// pixels: each pixel counts as the fraction t of the object colour in the blend t·color + (1 − t)·background,
    /// clamped to [0, 1]. Also the mass-weighted centroid.
    /// </summary>
    public static (double Mass, double X, double Y) ColorMass(
        RgbImage image, RgbColor color, RgbColor background, int x0, int y0, int x1, int y1)
    {
        double dr = color.R - background.R, dg = color.G - background.G, db = color.B - background.B;
        double norm = (dr * dr) + (dg * dg) + (db * db);
        double mass = 0, sx = 0, sy = 0;
        for (int y = y0; y < y1; y++)
        {
            for (int x = x0; x < x1; x++)
            {
                var p = image.GetPixel(x, y);
                double t = (((p.R - background.R) * dr) + ((p.G - background.G) * dg) + ((p.B - background.B) * db)) / norm;
                t = Math.Clamp(t, 0, 1);
                mass += t;
                sx += t * (x + 0.5);
                sy += t * (y + 0.5);
            }
        }
        return mass == 0 ? (0, double.NaN, double.NaN) : (mass, sx / mass, sy / mass);
    }

    /// <summary>The half (or whole) of the image an object of a valid scene lies in: x0, y0, x1, y1.</summary>
    public static (int X0, int Y0, int X1, int Y1) Region(SceneSpec scene, ObjectSpec obj, int size)
    {
        if (scene.ObjectCount == 1)
        {
            return (0, 0, size, size);
        }
        return obj.Position switch
        {
            ObjectPosition.Left => (0, 0, size / 2, size),
            ObjectPosition.Right => (size / 2, 0, size, size),
            ObjectPosition.Top => (0, 0, size, size / 2),
            ObjectPosition.Bottom => (0, size / 2, size, size),
            _ => throw new InvalidOperationException("a pair is left/right or top/bottom"),
        };
    }

    /// <summary>Nearest of the five anchor points (quarter/half/three-quarter of the side) to a centroid.</summary>
    public static ObjectPosition NearestPosition(double x, double y, int size)
    {
        (ObjectPosition Position, double X, double Y)[] anchors =
        [
            (ObjectPosition.Centre, 0.5, 0.5),
            (ObjectPosition.Left, 0.25, 0.5),
            (ObjectPosition.Right, 0.75, 0.5),
            (ObjectPosition.Top, 0.5, 0.25),
            (ObjectPosition.Bottom, 0.5, 0.75),
        ];
        return anchors.MinBy(a => Math.Pow((a.X * size) - x, 2) + Math.Pow((a.Y * size) - y, 2)).Position;
    }

    public static IEnumerable<string> Words(ObjectSpec obj) =>
        [SceneVocabulary.Word(obj.Shape), SceneVocabulary.Word(obj.Color), SceneVocabulary.Word(obj.Size)];
}
