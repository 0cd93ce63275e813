using Dice.Trainer.Sharpener;

namespace Dice.Tests.Shared;

/// <summary>What `dice train`'s validation grids should measure.</summary>
internal static class ValidationGridLayout
{
    /// <summary>
    /// The size of a validation grid of <paramref name="prompts"/> rows of <paramref name="imageSize"/>-pixel images:
    /// images enlarged to panels of the smallest multiple of their side that reaches 256 pixels; a side panel for the
    /// prompts as wide as one panel, then three columns; above them one line of headings ("unguided", "CFG w=5",
    /// "DICE a=1" fit one line) in the 10-pixel bitmap font at scale 2, 20 pixels; padding around and between all.
    /// </summary>
    public static (int Width, int Height) Size(IReadOnlyList<string> prompts, int imageSize)
    {
        var padding = SharpenerValidation.Padding;
        var panel = imageSize * ((256 + imageSize - 1) / imageSize);
        var width = padding + (4 * (panel + padding));
        var height = padding + 20 + padding + (prompts.Count * (panel + padding));
        return (width, height);
    }
}
