namespace Dice.Core.Images;

/// <summary>Lays several images out as one contact sheet.</summary>
public static class ImageGrid
{
    /// <summary>
    /// Composes <paramref name="images"/> row by row into a grid of <paramref name="columns"/> columns (fewer when
    /// there are fewer images). Every cell is as wide as the widest image and as tall as the tallest; an image smaller
    /// than its cell is centred in it (offsets rounded down). <paramref name="padding"/> pixels of
    /// <paramref name="background"/> (default black) separate the cells and surround the grid, so the result is
    /// columns · cellWidth + (columns + 1) · padding wide and rows · cellHeight + (rows + 1) · padding tall,
    /// where cellHeight includes the caption band.
    /// <para>
    /// With <paramref name="captions"/> (one per image; null or empty for none) every cell gets a caption band
    /// above or below its image, tall enough for the longest wrapped caption: <see cref="BitmapFont"/> text at
    /// <paramref name="captionScale"/>, wrapped to the cell width, each line centred, in
    /// <paramref name="captionColor"/> (default black or white, whichever contrasts with the background). The band is
    /// <c>scale + lines · BitmapFont.LineHeight · scale</c> pixels tall; without captions there is no band.
    /// </para>
    /// </summary>
    public static RgbImage Compose(
        IReadOnlyList<RgbImage> images,
        int columns,
        int padding = 2,
        RgbColor? background = null,
        IReadOnlyList<string?>? captions = null,
        CaptionPlacement captionPlacement = CaptionPlacement.Below,
        RgbColor? captionColor = null,
        int captionScale = 1)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException("a grid needs at least one image", nameof(images));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(captionScale);
        if (captions is not null && captions.Count != images.Count)
        {
            throw new ArgumentException($"{images.Count} images but {captions.Count} captions; give one caption (or null) per image", nameof(captions));
        }
        for (int i = 0; i < images.Count; i++)
        {
            if (images[i] is null)
            {
                throw new ArgumentException($"image {i} is null", nameof(images));
            }
        }

        int count = images.Count;
        int gridColumns = Math.Min(columns, count);
        int gridRows = (count + gridColumns - 1) / gridColumns;
        int cellWidth = images.Max(image => image.Width);
        int cellHeight = images.Max(image => image.Height);

        var wrapped = new IReadOnlyList<string>?[count];
        int captionLines = 0;
        for (int i = 0; i < count; i++)
        {
            string? caption = captions?[i];
            if (!string.IsNullOrEmpty(caption))
            {
                wrapped[i] = BitmapFont.Wrap(caption, cellWidth, captionScale);
                captionLines = Math.Max(captionLines, wrapped[i]!.Count);
            }
        }
        int lineHeight = BitmapFont.LineHeight * captionScale;
        int band = captionLines == 0 ? 0 : captionScale + (captionLines * lineHeight);
        int slotHeight = cellHeight + band;

        long width = ((long)gridColumns * cellWidth) + ((long)(gridColumns + 1) * padding);
        long height = ((long)gridRows * slotHeight) + ((long)(gridRows + 1) * padding);
        if (width > int.MaxValue || height > int.MaxValue)
        {
            throw new ArgumentException($"the grid would be {width}×{height} pixels, too large for one image");
        }

        RgbColor fill = background ?? RgbColor.Black;
        RgbColor ink = captionColor ?? (fill.Luma >= 128 ? RgbColor.Black : RgbColor.White);
        var grid = new RgbImage((int)width, (int)height);
        grid.Fill(fill);

        for (int i = 0; i < count; i++)
        {
            RgbImage image = images[i];
            int slotX = padding + ((i % gridColumns) * (cellWidth + padding));
            int slotY = padding + ((i / gridColumns) * (slotHeight + padding));
            int imageTop = captionPlacement == CaptionPlacement.Above ? slotY + band : slotY;
            grid.DrawImage(image, slotX + ((cellWidth - image.Width) / 2), imageTop + ((cellHeight - image.Height) / 2));

            if (wrapped[i] is { } lines)
            {
                int textTop = captionPlacement == CaptionPlacement.Above ? slotY : slotY + cellHeight + captionScale;
                for (int line = 0; line < lines.Count; line++)
                {
                    int lineWidth = BitmapFont.MeasureWidth(lines[line].Length, captionScale);
                    BitmapFont.DrawText(grid, slotX + ((cellWidth - lineWidth) / 2), textTop + (line * lineHeight), lines[line], ink, captionScale);
                }
            }
        }
        return grid;
    }
}
