using Dice.Core.Images;

namespace Dice.Core.Tests.Images;

public sealed class RgbImageTests
{
    [Theory]
    [InlineData(-0.1f, 0)]
    [InlineData(1.2f, 255)]
    [InlineData(0.5f, 128)] // 127.5 rounds away from zero
    [InlineData(0f, 0)]
    [InlineData(1f, 255)]
    [InlineData(0.2f, 51)]
    [InlineData(0.998f, 254)] // 254.49
    [InlineData(0.999f, 255)] // 254.745
    [InlineData(float.NaN, 0)]
    [InlineData(float.PositiveInfinity, 255)]
    [InlineData(float.NegativeInfinity, 0)]
    public void Converts_a_sample_by_clamping_scaling_and_rounding_half_away_from_zero(float value, byte expected)
    {
        Assert.Equal(expected, RgbImage.ToByte(value));
    }

    [Fact]
    public void Rounds_every_exact_half_step_up()
    {
        Assert.Equal(0, RgbImage.ToByte(-0f));
        for (int i = 0; i < 255; i++)
        {
            // (i + 0.5) / 255 is not exact in float, so only check that it lands on i or i + 1 and never further.
            byte b = RgbImage.ToByte((i + 0.5f) / 255f);
            Assert.InRange(b, i, i + 1);
            Assert.Equal(i, RgbImage.ToByte(i / 255f));
        }
    }

    [Fact]
    public void Interleaves_the_planes_of_a_chw_tensor()
    {
        // [3, H=1, W=2]: red plane, green plane, blue plane.
        float[] chw = [1f, 0f, 0f, 0.5f, 0.2f, 1.5f];
        var image = RgbImage.FromChw(chw, width: 2, height: 1);

        Assert.Equal(2, image.Width);
        Assert.Equal(1, image.Height);
        Assert.Equal(new byte[] { 255, 0, 51, 0, 128, 255 }, image.Pixels.ToArray());
        Assert.Equal(new RgbColor(0, 128, 255), image.GetPixel(1, 0));
    }

    [Fact]
    public void Takes_one_image_of_a_batch()
    {
        const int width = 3, height = 2, plane = width * height;
        var batch = new float[2 * 3 * plane];
        for (int i = 0; i < 3 * plane; i++)
        {
            batch[i] = 0f;
            batch[(3 * plane) + i] = 1f;
        }
        batch[(3 * plane) + plane + 4] = 0f; // image 1, green, pixel (1, 1)

        var first = RgbImage.FromBatchChw(batch, 0, width, height);
        var second = RgbImage.FromBatchChw(batch, 1, width, height);

        Assert.All(first.Pixels.ToArray(), b => Assert.Equal(0, b));
        Assert.Equal(new RgbColor(255, 0, 255), second.GetPixel(1, 1));
        Assert.Equal(new RgbColor(255, 255, 255), second.GetPixel(0, 1));
    }

    [Fact]
    public void Rejects_tensors_of_the_wrong_size_and_batch_indices_out_of_range()
    {
        Assert.Throws<ArgumentException>(() => RgbImage.FromChw(new float[17], 3, 2));
        Assert.Throws<ArgumentException>(() => RgbImage.FromBatchChw(new float[19], 0, 3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => RgbImage.FromBatchChw(new float[36], 2, 3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => RgbImage.FromBatchChw(new float[36], -1, 3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => RgbImage.FromChw([], 0, 0));
    }

    [Fact]
    public void ToChw_inverts_FromChw()
    {
        RgbImage image = PngTestFiles.RandomImage(5, 4, seed: 3);

        float[] chw = image.ToChw();

        Assert.Equal(3 * 5 * 4, chw.Length);
        Assert.Equal(image.GetPixel(2, 1).G / 255f, chw[(5 * 4) + (1 * 5) + 2]);
        Assert.True(RgbImage.FromChw(chw, 5, 4).PixelsEqual(image));
    }

    [Fact]
    public void Copies_pixels_it_is_given_and_checks_their_length()
    {
        byte[] pixels = PngTestFiles.RandomBytes(2 * 2 * 3, seed: 1);
        var image = new RgbImage(2, 2, pixels);
        pixels[0] ^= 0xFF;

        Assert.NotEqual(pixels[0], image.Pixels[0]);
        Assert.Throws<ArgumentException>(() => new RgbImage(2, 2, new byte[11]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RgbImage(0, 2));
        Assert.Throws<ArgumentException>(() => new RgbImage(1 << 20, 1 << 20));
    }

    [Fact]
    public void Fills_and_draws_with_clipping()
    {
        var canvas = new RgbImage(4, 3);
        var red = new RgbColor(255, 0, 0);
        canvas.FillRectangle(-1, 2, 3, 5, red);
        canvas.FillRectangle(10, 10, 2, 2, red); // entirely outside: nothing

        Assert.Equal(red, canvas.GetPixel(0, 2));
        Assert.Equal(red, canvas.GetPixel(1, 2));
        Assert.Equal(RgbColor.Black, canvas.GetPixel(2, 2));
        Assert.Equal(RgbColor.Black, canvas.GetPixel(0, 1));

        RgbImage stamp = PngTestFiles.RandomImage(2, 2, seed: 5);
        canvas.DrawImage(stamp, 3, -1);
        Assert.Equal(stamp.GetPixel(0, 1), canvas.GetPixel(3, 0));
        Assert.Equal(RgbColor.Black, canvas.GetPixel(2, 0));
    }

    [Fact]
    public void Upscale_nearest_repeats_every_pixel_as_a_square()
    {
        var image = new RgbImage(2, 1);
        image.SetPixel(0, 0, new RgbColor(10, 20, 30));
        image.SetPixel(1, 0, new RgbColor(200, 100, 50));

        RgbImage large = image.UpscaleNearest(3);

        Assert.Equal((6, 3), (large.Width, large.Height));
        for (int y = 0; y < 3; y++)
        {
            for (int x = 0; x < 6; x++)
            {
                Assert.Equal(x < 3 ? new RgbColor(10, 20, 30) : new RgbColor(200, 100, 50), large.GetPixel(x, y));
            }
        }
        Assert.True(image.UpscaleNearest(1).PixelsEqual(image));
        Assert.Throws<ArgumentOutOfRangeException>(() => image.UpscaleNearest(0));
    }
}
