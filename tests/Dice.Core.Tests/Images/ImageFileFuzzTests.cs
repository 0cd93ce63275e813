using Dice.Core.Images;
using Dice.Tests.Shared.Fuzzing;

namespace Dice.Core.Tests.Images;

/// <summary>
/// Seeded fuzzing of the image reader: every mutated PNG or JPEG decodes to an image of the size its header states,
/// or is refused with an <see cref="ImageFormatException"/>, the one type <see cref="ImageFile"/> documents.
/// </summary>
public class ImageFileFuzzTests
{
    public const int Iterations = 3000;

    [Fact]
    public void Mutated_PNGs_decode_or_are_refused_with_an_image_format_exception()
    {
        var png = PngEncoder.Encode(ImageFileTests.SmoothImage(), [new PngTextChunk("prompt", "a red circle")]);
        // Half the inputs get their CRCs repaired, or nearly every mutation would stop at the first CRC check.
        var outcome = FuzzLoop.Run("ImageFile.Decode (PNG)", Iterations,
            (seed, i) => i % 2 == 0 ? ByteMutator.Mutate(png, seed, i) : PngTestFiles.WithRepairedCrcs(ByteMutator.Mutate(png, seed, i)),
            Decode, typeof(ImageFormatException));

        Assert.Equal(16, ImageFile.Decode(png).Width);
        Assert.True(outcome.Refused > 0 && outcome.Parsed > 0, $"{outcome}: the mutations should reach both outcomes");
    }

    [Fact]
    public void Mutated_JPEGs_decode_or_are_refused_with_an_image_format_exception()
    {
        var jpeg = ImageFileTests.Jpeg(ImageFileTests.SmoothImage());
        var outcome = FuzzLoop.Run("ImageFile.Decode (JPEG)", Iterations, (seed, i) => ByteMutator.Mutate(jpeg, seed, i),
            Decode, typeof(ImageFormatException));

        Assert.Equal(16, ImageFile.Decode(jpeg).Width);
        Assert.True(outcome.Refused > 0 && outcome.Parsed > 0, $"{outcome}: the mutations should reach both outcomes");
    }

    /// <summary>A small pixel cap, so that a mutated size is refused rather than allocated.</summary>
    private static void Decode(byte[] bytes)
    {
        var image = ImageFile.Decode(bytes, "fuzz", maxPixels: 1 << 16);
        Assert.Equal(image.Width * image.Height * RgbImage.Channels, image.Pixels.Length);
    }
}
