using Dice.Core.Images;
using Dice.Data;
using static TorchSharp.torch;

namespace Dice.Trainer.Sharpener;

/// <summary>The training images of a micro-batch as the VAE takes them: read from PNG or JPEG, resized, scaled to [−1, 1].</summary>
public static class SharpenerImages
{
    /// <summary>
    /// The images [N, 3, S, S] in [−1, 1] (S = <paramref name="size"/>, on the CPU) from PNG or JPEG files, resized nearest
    /// neighbour when their size differs (the aspect ratio is not kept).
    /// </summary>
    public static Tensor Load(IReadOnlyList<CaptionedImage> items, int size)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        var plane = size * size;
        var values = new float[items.Count * 3 * plane];
        Parallel.For(0, items.Count, b =>
        {
            // A broken, unsupported or oversized file raises an ImageFormatException that names it.
            RgbImage image = ImageFile.Read(items[b].ImagePath);
            var pixels = image.Pixels;
            var offset = b * 3 * plane;
            for (var y = 0; y < size; y++)
            {
                var sy = (int)((long)y * image.Height / size);
                for (var x = 0; x < size; x++)
                {
                    var sx = (int)((long)x * image.Width / size);
                    var source = ((sy * image.Width) + sx) * 3;
                    var p = (y * size) + x;
                    for (var c = 0; c < 3; c++)
                    {
                        values[offset + (c * plane) + p] = (pixels[source + c] / 127.5f) - 1f;
                    }
                }
            }
        });
        return tensor(values, [items.Count, 3, size, size]);
    }
}
