using Dice.Core.Images;

namespace Dice.Data;

/// <summary>Where and how big an object is drawn, in pixels of an image of a given size.</summary>
/// <param name="CenterX">Centre of the object's bounding box, in pixels from the left edge.</param>
/// <param name="CenterY">Centre of the bounding box, in pixels from the top edge.</param>
/// <param name="Extent">Side of the (square) bounding box in pixels: a circle's diameter, a square's side, a triangle's base and height.</param>
public readonly record struct ObjectGeometry(double CenterX, double CenterY, double Extent)
{
    public double Left => CenterX - (Extent / 2);

    public double Right => CenterX + (Extent / 2);

    public double Top => CenterY - (Extent / 2);

    public double Bottom => CenterY + (Extent / 2);
}

/// <summary>
/// The layout of scenes, as fractions of the image side so that it scales with the image: positions put the
/// object's centre at a quarter, half or three quarters of the way across; a small object is 1/4 of the side
/// (8 px at 32×32), a large one 7/16 (14 px). So an object never leaves the image, a left/right or top/bottom
/// pair is separated by a gap of 1/16 of the side (2 px at 32×32) even when both are large, and the corners are
/// always background.
/// </summary>
public static class SceneLayout
{
    public const double SmallFraction = 0.25;

    public const double LargeFraction = 7.0 / 16.0;

    /// <summary>The bounding-box side of a size, as a fraction of the image side.</summary>
    public static double SizeFraction(ObjectSize size) => size switch
    {
        ObjectSize.Small => SmallFraction,
        ObjectSize.Large => LargeFraction,
        _ => throw new ArgumentOutOfRangeException(nameof(size), size, "not a defined ObjectSize"),
    };

    /// <summary>The centre of a position as fractions (x, y) of the image width and height.</summary>
    public static (double X, double Y) CenterFraction(ObjectPosition position) => position switch
    {
        ObjectPosition.Centre => (0.5, 0.5),
        ObjectPosition.Left => (0.25, 0.5),
        ObjectPosition.Right => (0.75, 0.5),
        ObjectPosition.Top => (0.5, 0.25),
        ObjectPosition.Bottom => (0.5, 0.75),
        _ => throw new ArgumentOutOfRangeException(nameof(position), position, "not a defined ObjectPosition"),
    };

    /// <summary>Where <paramref name="obj"/> is drawn in a <paramref name="imageSize"/>×<paramref name="imageSize"/> image.</summary>
    public static ObjectGeometry Geometry(ObjectSpec obj, int imageSize)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageSize);
        var (x, y) = CenterFraction(obj.Position);
        return new ObjectGeometry(x * imageSize, y * imageSize, SizeFraction(obj.Size) * imageSize);
    }

    /// <summary>
    /// Whether the point (x, y), in pixels, lies inside a shape drawn with <paramref name="geometry"/>. Circles are
    /// inscribed in the bounding box; triangles point up, apex at the top middle of the box, base along its bottom.
    /// </summary>
    public static bool Contains(ShapeKind shape, ObjectGeometry geometry, double x, double y)
    {
        double half = geometry.Extent / 2;
        double dx = x - geometry.CenterX;
        double dy = y - geometry.CenterY;
        return shape switch
        {
            ShapeKind.Square => Math.Abs(dx) <= half && Math.Abs(dy) <= half,
            ShapeKind.Circle => (dx * dx) + (dy * dy) <= half * half,
            // Half-width grows linearly from 0 at the apex (dy = −half) to half at the base (dy = +half).
            ShapeKind.Triangle => dy >= -half && dy <= half && Math.Abs(dx) <= (dy + half) / 2,
            _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, "not a defined ShapeKind"),
        };
    }
}

/// <summary>
/// Draws scenes into RGB images: the background colour, then each object in its colour, anti-aliased by
/// supersampling (each pixel is the rounded mean of <see cref="Supersampling"/>² evenly spaced samples). Only
/// exact arithmetic on doubles and integers is used, so the output is the same on every machine.
/// </summary>
public sealed class SceneRenderer
{
    public const int DefaultImageSize = 32;

    public const int DefaultSupersampling = 4;

    public SceneRenderer(int supersampling = DefaultSupersampling)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(supersampling, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(supersampling, 16);
        Supersampling = supersampling;
    }

    /// <summary>Samples per pixel along each axis.</summary>
    public int Supersampling { get; }

    /// <summary>The scene as a <paramref name="imageSize"/>×<paramref name="imageSize"/> image (at least 8).</summary>
    public RgbImage Render(SceneSpec scene, int imageSize = DefaultImageSize)
    {
        ArgumentNullException.ThrowIfNull(scene);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageSize, 8);
        var image = new RgbImage(imageSize, imageSize);
        var background = SceneVocabulary.Rgb(scene.Background);
        image.Fill(background);
        var objects = scene.Objects;
        var geometries = objects.Select(o => SceneLayout.Geometry(o, imageSize)).ToArray();
        var colors = objects.Select(o => SceneVocabulary.Rgb(o.Color)).ToArray();
        int n = Supersampling;
        int samples = n * n;

        // Only pixels that touch some object's bounding box can differ from the background.
        int x0 = Math.Max(0, (int)Math.Floor(geometries.Min(g => g.Left)));
        int x1 = Math.Min(imageSize, (int)Math.Ceiling(geometries.Max(g => g.Right)));
        int y0 = Math.Max(0, (int)Math.Floor(geometries.Min(g => g.Top)));
        int y1 = Math.Min(imageSize, (int)Math.Ceiling(geometries.Max(g => g.Bottom)));
        for (int y = y0; y < y1; y++)
        {
            for (int x = x0; x < x1; x++)
            {
                int r = 0, g = 0, b = 0;
                for (int sy = 0; sy < n; sy++)
                {
                    double py = y + ((sy + 0.5) / n);
                    for (int sx = 0; sx < n; sx++)
                    {
                        double px = x + ((sx + 0.5) / n);
                        var color = background;
                        // Later objects are drawn over earlier ones (valid scenes never overlap).
                        for (int i = 0; i < objects.Count; i++)
                        {
                            if (SceneLayout.Contains(objects[i].Shape, geometries[i], px, py))
                            {
                                color = colors[i];
                            }
                        }
                        r += color.R;
                        g += color.G;
                        b += color.B;
                    }
                }
                image.SetPixel(x, y, new RgbColor(Mean(r, samples), Mean(g, samples), Mean(b, samples)));
            }
        }
        return image;
    }

    private static byte Mean(int sum, int count) => (byte)(((2 * sum) + count) / (2 * count));
}
