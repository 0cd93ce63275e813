using Dice.Core.Images;
using Dice.Trainer.Sharpener;

namespace Dice.Trainer.Tests.Sharpener;

/// <summary>
/// The crop and resize of training images. Expected pixels are worked out by hand from the definition of bilinear
/// interpolation with pixel centres at i + ½ (a triangle filter of radius 1 in input pixels when enlarging, radius
/// equal to the scale factor when shrinking, normalised over the pixels inside the image) and round-half-up to bytes.
/// </summary>
public sealed class SharpenerImagesTests
{
    /// <summary>A grey image: every channel of pixel (x, y) is values[y][x].</summary>
    private static RgbImage Grey(int[][] values)
    {
        var image = new RgbImage(values[0].Length, values.Length);
        for (var y = 0; y < values.Length; y++)
        {
            for (var x = 0; x < values[0].Length; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    image.Pixels[(((y * image.Width) + x) * 3) + c] = (byte)values[y][x];
                }
            }
        }
        return image;
    }

    private static int[][] Channel(RgbImage image, int channel) =>
        Enumerable.Range(0, image.Height)
            .Select(y => Enumerable.Range(0, image.Width).Select(x => (int)image.Pixels[(((y * image.Width) + x) * 3) + channel]).ToArray())
            .ToArray();

    [Fact]
    public void Enlarging_two_pixels_to_four_interpolates_between_their_centres()
    {
        // Output centres 0.25, 0.75, 1.25, 1.75 in input pixels; input centres 0.5 and 1.5:
        // 0.25 → clamped to pixel 0; 0.75 → ¾·a + ¼·b; 1.25 → ¼·a + ¾·b; 1.75 → pixel 1.
        var image = Grey([[0, 200], [0, 200]]);
        var resized = SharpenerImages.CropAndResize(image, 4);
        Assert.Equal(4, resized.Width);
        Assert.Equal(4, resized.Height);
        for (var c = 0; c < 3; c++)
        {
            Assert.All(Channel(resized, c), row => Assert.Equal([0, 50, 150, 200], row));
        }
    }

    [Fact]
    public void Shrinking_averages_with_a_triangle_as_wide_as_the_scale()
    {
        // 4 → 2: scale 2, output centres 1 and 3, weights 1 − |j + ½ − centre| / 2:
        // centre 1: pixels 0, 1, 2 weigh ¾, ¾, ¼ → (0·¾ + 70·¾ + 140·¼) / 1.75 = 50;
        // centre 3: pixels 1, 2, 3 weigh ¼, ¾, ¾ → (70·¼ + 140·¾ + 210·¾) / 1.75 = 160.
        // Plain (unfiltered) bilinear would give 35 and 175.
        int[] row = [0, 70, 140, 210];
        var image = Grey([row, row, row, row]);
        var resized = SharpenerImages.CropAndResize(image, 2);
        Assert.All(Channel(resized, 0), r => Assert.Equal([50, 160], r));
    }

    [Fact]
    public void A_wide_image_is_cropped_to_its_centred_square_first()
    {
        // 5 × 2: the square of side 2 starts at column ⌊(5 − 2) / 2⌋ = 1, so columns 1 and 2 (values 10 and 90) are
        // kept and enlarged to 4: 10, ¾·10 + ¼·90 = 30, ¼·10 + ¾·90 = 70, 90.
        var image = Grey([[255, 10, 90, 255, 255], [255, 10, 90, 255, 255]]);
        var resized = SharpenerImages.CropAndResize(image, 4);
        Assert.All(Channel(resized, 1), r => Assert.Equal([10, 30, 70, 90], r));
    }

    [Fact]
    public void A_tall_image_is_cropped_to_its_centred_rows_and_resized_vertically()
    {
        // 1 × 4: the square of side 1 is row ⌊(4 − 1) / 2⌋ = 1 (value 100); enlarged to 2 × 2 it stays 100 everywhere.
        var image = Grey([[0], [100], [200], [250]]);
        var resized = SharpenerImages.CropAndResize(image, 2);
        Assert.All(Channel(resized, 2), r => Assert.Equal([100, 100], r));
    }

    [Fact]
    public void Rounds_half_up_after_each_pass()
    {
        // 2 → 4 on values 1 and 2: ¾·1 + ¼·2 = 1.25 → 1; ¼·1 + ¾·2 = 1.75 → 2. Values 0 and 2 give 0.5 → 1 and 1.5 → 2.
        Assert.All(Channel(SharpenerImages.CropAndResize(Grey([[1, 2], [1, 2]]), 4), 0), r => Assert.Equal([1, 1, 2, 2], r));
        Assert.All(Channel(SharpenerImages.CropAndResize(Grey([[0, 2], [0, 2]]), 4), 0), r => Assert.Equal([0, 1, 2, 2], r));
    }

    [Fact]
    public void Colour_channels_are_resized_independently()
    {
        var image = new RgbImage(2, 1);
        image.Pixels[0] = 0;
        image.Pixels[1] = 100;
        image.Pixels[2] = 255;
        image.Pixels[3] = 200;
        image.Pixels[4] = 100;
        image.Pixels[5] = 55;
        // Side 1 (the centred square of a 2 × 1 image is column ⌊(2 − 1) / 2⌋ = 0): pixel 0 alone, enlarged to 3 × 3.
        var resized = SharpenerImages.CropAndResize(image, 3);
        Assert.Equal([0, 100, 255], resized.Pixels[..3].ToArray());
        Assert.Equal([0, 100, 255], resized.Pixels[^3..].ToArray());
    }
}
