namespace Dice.Core.Images;

/// <summary>
/// An 8-bit RGB image: <see cref="Width"/> × <see cref="Height"/> pixels stored row-major, top row first, with the
/// three samples of a pixel interleaved (R, G, B, R, G, B, ...). No row padding.
/// </summary>
public sealed class RgbImage
{
    /// <summary>Samples per pixel.</summary>
    public const int Channels = 3;

    private readonly byte[] _pixels;

    /// <summary>A black image.</summary>
    public RgbImage(int width, int height)
    {
        _pixels = new byte[CheckedLength(width, height)];
        Width = width;
        Height = height;
    }

    /// <summary>An image with a copy of <paramref name="pixels"/> (interleaved RGB, row-major, exactly width·height·3 bytes).</summary>
    public RgbImage(int width, int height, ReadOnlySpan<byte> pixels)
    {
        int length = CheckedLength(width, height);
        if (pixels.Length != length)
        {
            throw new ArgumentException(
                $"a {width}×{height} RGB image needs {length} bytes, got {pixels.Length}", nameof(pixels));
        }
        _pixels = pixels.ToArray();
        Width = width;
        Height = height;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Bytes per row (width · 3).</summary>
    public int Stride => Width * Channels;

    /// <summary>All pixels, interleaved RGB, row-major. Writable.</summary>
    public Span<byte> Pixels => _pixels;

    /// <summary>One row of pixels (width · 3 bytes). Writable.</summary>
    public Span<byte> Row(int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
        return _pixels.AsSpan(y * Stride, Stride);
    }

    public RgbColor GetPixel(int x, int y)
    {
        int offset = Offset(x, y);
        return new RgbColor(_pixels[offset], _pixels[offset + 1], _pixels[offset + 2]);
    }

    public void SetPixel(int x, int y, RgbColor color)
    {
        int offset = Offset(x, y);
        _pixels[offset] = color.R;
        _pixels[offset + 1] = color.G;
        _pixels[offset + 2] = color.B;
    }

    /// <summary>Sets every pixel to <paramref name="color"/>.</summary>
    public void Fill(RgbColor color) => FillRectangle(0, 0, Width, Height, color);

    /// <summary>Fills the part of the rectangle that lies inside the image.</summary>
    public void FillRectangle(int x, int y, int width, int height, RgbColor color)
    {
        int x0 = Math.Max(x, 0);
        int y0 = Math.Max(y, 0);
        int x1 = (int)Math.Min((long)x + Math.Max(width, 0), Width);
        int y1 = (int)Math.Min((long)y + Math.Max(height, 0), Height);
        if (x1 <= x0 || y1 <= y0)
        {
            return;
        }
        for (int row = y0; row < y1; row++)
        {
            Span<byte> span = _pixels.AsSpan((row * Stride) + (x0 * Channels), (x1 - x0) * Channels);
            for (int i = 0; i < span.Length; i += Channels)
            {
                span[i] = color.R;
                span[i + 1] = color.G;
                span[i + 2] = color.B;
            }
        }
    }

    /// <summary>Copies <paramref name="source"/> with its top-left corner at (x, y); parts outside this image are clipped.</summary>
    public void DrawImage(RgbImage source, int x, int y)
    {
        ArgumentNullException.ThrowIfNull(source);
        int x0 = Math.Max(x, 0);
        int x1 = (int)Math.Min((long)x + source.Width, Width);
        if (x1 <= x0)
        {
            return;
        }
        for (int sy = 0; sy < source.Height; sy++)
        {
            long ty = (long)y + sy;
            if (ty < 0 || ty >= Height)
            {
                continue;
            }
            ReadOnlySpan<byte> from = source._pixels.AsSpan((sy * source.Stride) + ((x0 - x) * Channels), (x1 - x0) * Channels);
            from.CopyTo(_pixels.AsSpan(((int)ty * Stride) + (x0 * Channels)));
        }
    }

    /// <summary>
    /// This image enlarged <paramref name="factor"/> times each way by nearest neighbour: every pixel becomes a
    /// factor × factor square of its colour (no blending, so small images stay sharp).
    /// </summary>
    public RgbImage UpscaleNearest(int factor)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(factor);
        long width = (long)Width * factor;
        long height = (long)Height * factor;
        if (width * height > int.MaxValue / Channels)
        {
            throw new ArgumentException($"{Width}×{Height} enlarged {factor} times is too large for one image", nameof(factor));
        }
        var result = new RgbImage((int)width, (int)height);
        for (int y = 0; y < Height; y++)
        {
            Span<byte> target = result.Row(y * factor);
            ReadOnlySpan<byte> source = Row(y);
            for (int x = 0; x < Width; x++)
            {
                ReadOnlySpan<byte> pixel = source.Slice(x * Channels, Channels);
                for (int repeat = 0; repeat < factor; repeat++)
                {
                    pixel.CopyTo(target.Slice(((x * factor) + repeat) * Channels));
                }
            }
            for (int repeat = 1; repeat < factor; repeat++)
            {
                target.CopyTo(result.Row((y * factor) + repeat));
            }
        }
        return result;
    }

    /// <summary>A copy of this image.</summary>
    public RgbImage Clone() => new(Width, Height, _pixels);

    /// <summary>Whether both images have the same size and identical pixels.</summary>
    public bool PixelsEqual(RgbImage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Width == other.Width && Height == other.Height && _pixels.AsSpan().SequenceEqual(other._pixels);
    }

    /// <summary>
    /// An image from a decoded model output: planar float CHW, shape [3, height, width], values meant to lie in
    /// [0, 1]. Each sample becomes <see cref="ToByte"/>(value): clamped to [0, 1], times 255, rounded to nearest
    /// with halves away from zero; NaN becomes 0.
    /// </summary>
    public static RgbImage FromChw(ReadOnlySpan<float> chw, int width, int height)
    {
        int plane = CheckedLength(width, height) / Channels;
        if (chw.Length != plane * Channels)
        {
            throw new ArgumentException(
                $"a [3, {height}, {width}] tensor has {plane * Channels} values, got {chw.Length}", nameof(chw));
        }
        var image = new RgbImage(width, height);
        ReadOnlySpan<float> red = chw[..plane];
        ReadOnlySpan<float> green = chw.Slice(plane, plane);
        ReadOnlySpan<float> blue = chw.Slice(2 * plane, plane);
        byte[] pixels = image._pixels;
        for (int i = 0, o = 0; i < plane; i++, o += Channels)
        {
            pixels[o] = ToByte(red[i]);
            pixels[o + 1] = ToByte(green[i]);
            pixels[o + 2] = ToByte(blue[i]);
        }
        return image;
    }

    /// <summary>
    /// Image <paramref name="index"/> of a batch: <paramref name="bchw"/> is a float tensor of shape
    /// [B, 3, height, width] with B = length / (3 · height · width). Conversion as in <see cref="FromChw"/>.
    /// </summary>
    public static RgbImage FromBatchChw(ReadOnlySpan<float> bchw, int index, int width, int height)
    {
        int imageLength = CheckedLength(width, height);
        if (bchw.Length % imageLength != 0)
        {
            throw new ArgumentException(
                $"a [B, 3, {height}, {width}] tensor has a multiple of {imageLength} values, got {bchw.Length}", nameof(bchw));
        }
        int batch = bchw.Length / imageLength;
        if (index < 0 || index >= batch)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"the batch has {batch} images");
        }
        return FromChw(bchw.Slice(index * imageLength, imageLength), width, height);
    }

    /// <summary>
    /// The inverse of <see cref="FromChw"/>: planar CHW floats, each byte / 255, so 0 → 0 and 255 → 1 exactly.
    /// </summary>
    public float[] ToChw()
    {
        int plane = Width * Height;
        var chw = new float[plane * Channels];
        for (int i = 0, o = 0; i < plane; i++, o += Channels)
        {
            chw[i] = _pixels[o] / 255f;
            chw[plane + i] = _pixels[o + 1] / 255f;
            chw[(2 * plane) + i] = _pixels[o + 2] / 255f;
        }
        return chw;
    }

    /// <summary>
    /// One sample in [0, 1] to a byte: NaN → 0; otherwise clamp to [0, 1] (so −∞ → 0, +∞ → 255), multiply by 255
    /// and round to the nearest integer, halves away from zero (0.5 → 127.5 → 128).
    /// </summary>
    public static byte ToByte(float value)
    {
        if (float.IsNaN(value))
        {
            return 0;
        }
        float clamped = Math.Clamp(value, 0f, 1f);
        return (byte)MathF.Round(clamped * 255f, MidpointRounding.AwayFromZero);
    }

    private int Offset(int x, int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(x, Width);
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
        return (y * Stride) + (x * Channels);
    }

    /// <summary>width · height · 3, checked to be positive and to fit in one array.</summary>
    private static int CheckedLength(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        long length = (long)width * height * Channels;
        if (length > Array.MaxLength)
        {
            throw new ArgumentException($"a {width}×{height} RGB image does not fit in one array ({length} bytes)");
        }
        return (int)length;
    }
}
