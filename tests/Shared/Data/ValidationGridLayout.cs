using Dice.Core.Images;
using Dice.Trainer.Sharpener;

namespace Dice.Tests.Shared;

/// <summary>What `dice train`'s validation grids should measure.</summary>
internal static class ValidationGridLayout
{
    /// <summary>
    /// The size of a validation grid of <paramref name="prompts"/> rows of <paramref name="imageSize"/>-pixel cells:
    /// the same layout composed of blank images.
    /// </summary>
    public static (int Width, int Height) Size(IReadOnlyList<string> prompts, double guidanceScale, int imageSize)
    {
        var blanks = Enumerable.Range(0, prompts.Count * 3).Select(_ => new RgbImage(imageSize, imageSize)).ToList();
        var grid = ImageGrid.Compose(blanks, 3, SharpenerValidation.Padding, SharpenerValidation.Background,
            SharpenerValidation.CellCaptions(prompts, guidanceScale));
        return (grid.Width, grid.Height);
    }
}
