namespace Dice.Core.Images;

/// <summary>Where <see cref="ImageGrid"/> draws a cell's caption.</summary>
public enum CaptionPlacement
{
    Below,
    Above,
}
