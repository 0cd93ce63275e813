using Dice.Core.Images;

namespace Dice.Evaluation.Metrics;

/// <summary>Root-mean-square difference of two images' pixels on a 0–1 scale (0: identical, 1: black against white).</summary>
public static class PixelRmse
{
    public static double Between(RgbImage a, RgbImage b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Width != b.Width || a.Height != b.Height)
        {
            throw new ArgumentException($"images are {a.Width}×{a.Height} and {b.Width}×{b.Height}: compare images of one size");
        }
        ReadOnlySpan<byte> x = a.Pixels;
        ReadOnlySpan<byte> y = b.Pixels;
        double sum = 0;
        for (var i = 0; i < x.Length; i++)
        {
            double d = x[i] - y[i];
            sum += d * d;
        }
        return Math.Sqrt(sum / x.Length) / 255.0;
    }

    /// <summary>The mean of <see cref="Between"/> over pairs of equal index.</summary>
    public static double Mean(IReadOnlyList<RgbImage> images, IReadOnlyList<RgbImage> references)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(references);
        if (images.Count != references.Count || images.Count == 0)
        {
            throw new ArgumentException($"{images.Count} images against {references.Count} references: need equal, non-zero counts");
        }
        return images.Select((image, i) => Between(image, references[i])).Average();
    }
}
