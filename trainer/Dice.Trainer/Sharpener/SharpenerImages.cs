using System.Runtime.ExceptionServices;
using Dice.Core.Images;
using Dice.Data;
using static TorchSharp.torch;

namespace Dice.Trainer.Sharpener;

/// <summary>
/// The training images of a micro-batch as the VAE takes them: read from PNG or JPEG, cropped and resized the
/// reference implementation's way (<see cref="CropAndResize"/>), scaled to [−1, 1].
/// </summary>
public static class SharpenerImages
{
    /// <summary>The images [N, 3, S, S] in [−1, 1] (S = <paramref name="size"/>, on the CPU) from PNG or JPEG files, each through <see cref="CropAndResize"/>.</summary>
    public static Tensor Load(IReadOnlyList<CaptionedImage> items, int size)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        var plane = size * size;
        var values = new float[items.Count * 3 * plane];
        try
        {
            Parallel.For(0, items.Count, b => LoadInto(values, b, items[b].ImagePath, size));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // The first broken file's own exception (an ImageFormatException naming it), not the parallel loop's wrapper.
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return tensor(values, [items.Count, 3, size, size]);
    }

    private static void LoadInto(float[] values, int b, string path, int size)
    {
        // A broken, unsupported or oversized file raises an ImageFormatException that names it.
        var pixels = CropAndResize(ImageFile.Read(path), size).Pixels;
        var plane = size * size;
        var offset = b * 3 * plane;
        for (var p = 0; p < plane; p++)
        {
            for (var c = 0; c < 3; c++)
            {
                values[offset + (c * plane) + p] = (pixels[(p * 3) + c] / 127.5f) - 1f;
            }
        }
    }

    /// <summary>
    /// The reference implementation's transform: the centred square of side min(W, H) (offsets ⌊(W − side)/2⌋ and
    /// ⌊(H − side)/2⌋), then resized to <paramref name="size"/>² by bilinear interpolation as PIL does it (what
    /// torchvision's Resize does to a PIL image): pixel centres at i + ½, a triangle filter whose support widens by
    /// the scale factor when shrinking (antialiasing), weights normalised over the pixels inside the image, the
    /// horizontal pass then the vertical one, each rounded to 8 bits.
    /// </summary>
    public static RgbImage CropAndResize(RgbImage image, int size)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        var side = Math.Min(image.Width, image.Height);
        var left = (image.Width - side) / 2;
        var top = (image.Height - side) / 2;
        var columns = Taps(side, size);
        var rows = Taps(side, size);

        // Horizontal pass over the crop's rows: side rows × size columns.
        var source = image.Pixels;
        var middle = new byte[side * size * 3];
        for (var y = 0; y < side; y++)
        {
            var rowStart = ((top + y) * image.Width) + left;
            for (var x = 0; x < size; x++)
            {
                var (first, weights) = columns[x];
                for (var c = 0; c < 3; c++)
                {
                    var sum = 0.0;
                    for (var k = 0; k < weights.Length; k++)
                    {
                        sum += weights[k] * source[((rowStart + first + k) * 3) + c];
                    }
                    middle[(((y * size) + x) * 3) + c] = ToByte(sum);
                }
            }
        }

        // Vertical pass.
        var result = new RgbImage(size, size);
        var target = result.Pixels;
        for (var y = 0; y < size; y++)
        {
            var (first, weights) = rows[y];
            for (var x = 0; x < size; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    var sum = 0.0;
                    for (var k = 0; k < weights.Length; k++)
                    {
                        sum += weights[k] * middle[((((first + k) * size) + x) * 3) + c];
                    }
                    target[(((y * size) + x) * 3) + c] = ToByte(sum);
                }
            }
        }
        return result;
    }

    /// <summary>For each output pixel, the first input pixel it reads and the normalised weights of it and the next ones.</summary>
    private static (int First, double[] Weights)[] Taps(int input, int output)
    {
        var scale = (double)input / output;
        var support = Math.Max(scale, 1.0);
        var taps = new (int, double[])[output];
        for (var i = 0; i < output; i++)
        {
            var centre = (i + 0.5) * scale;
            var first = Math.Max(0, (int)Math.Floor(centre - support + 0.5));
            var last = Math.Min(input, (int)Math.Floor(centre + support + 0.5));
            var weights = new double[last - first];
            var total = 0.0;
            for (var j = first; j < last; j++)
            {
                var w = Math.Max(0.0, 1.0 - Math.Abs((j + 0.5 - centre) / support));
                weights[j - first] = w;
                total += w;
            }
            for (var k = 0; k < weights.Length; k++)
            {
                weights[k] /= total;
            }
            taps[i] = (first, weights);
        }
        return taps;
    }

    private static byte ToByte(double value) => (byte)Math.Clamp(Math.Floor(value + 0.5), 0, 255);
}
