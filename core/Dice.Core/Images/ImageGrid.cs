namespace Dice.Core.Images;

/// <summary>
/// Lays several images out as one contact sheet: panels in rows and columns, optionally enlarged, with a heading
/// over each column and a label left of each row.
/// </summary>
public static class ImageGrid
{
    /// <summary>Side in pixels that <see cref="PanelScaleFor"/> enlarges small images to at least.</summary>
    public const int LegiblePanelSide = 256;

    /// <summary>Scale of the bitmap font for headings and row labels: 10 × 18 pixel glyphs.</summary>
    public const int TextScale = 2;

    /// <summary>
    /// The smallest integer factor that makes an image of <paramref name="side"/> pixels at least
    /// <paramref name="minimumSide"/> pixels (1 for images that already are): 32 → 8, 64 → 4, 512 → 1.
    /// </summary>
    public static int PanelScaleFor(int side, int minimumSide = LegiblePanelSide)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(side);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minimumSide);
        return Math.Max(1, (minimumSide + side - 1) / side);
    }

    /// <summary>
    /// Composes <paramref name="images"/> row by row into a grid of <paramref name="columns"/> columns (fewer when
    /// there are fewer images). Each image is first enlarged <paramref name="panelScale"/> times by pixel repetition
    /// (nearest neighbour, so small model outputs stay sharp). Every panel is as wide as the widest enlarged image and
    /// as tall as the tallest; a smaller image is centred in its panel (offsets rounded down).
    /// <paramref name="padding"/> pixels of <paramref name="background"/> (default black) separate the panels and
    /// surround the grid.
    /// <para>
    /// <paramref name="columnHeadings"/> (one per column, or null) are drawn once, in a band above the first row;
    /// <paramref name="rowLabels"/> (one per row, or null) in a side panel left of the panels, as wide as one panel.
    /// Text is <see cref="BitmapFont"/> at <see cref="TextScale"/>, wrapped to the panel width, headings centred and
    /// row labels left-aligned, in black or white, whichever contrasts with the background. The heading band is
    /// <c>lines · BitmapFont.LineHeight · TextScale</c> pixels tall for the most lines any heading needs, plus
    /// padding below it.
    /// </para>
    /// </summary>
    public static RgbImage Compose(
        IReadOnlyList<RgbImage> images,
        int columns,
        int padding = 2,
        RgbColor? background = null,
        int panelScale = 1,
        IReadOnlyList<string>? columnHeadings = null,
        IReadOnlyList<string>? rowLabels = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException("a grid needs at least one image", nameof(images));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(panelScale);
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
        if (columnHeadings is not null && columnHeadings.Count != gridColumns)
        {
            throw new ArgumentException($"{gridColumns} columns but {columnHeadings.Count} headings", nameof(columnHeadings));
        }
        if (rowLabels is not null && rowLabels.Count != gridRows)
        {
            throw new ArgumentException($"{gridRows} rows but {rowLabels.Count} row labels", nameof(rowLabels));
        }

        long panelWidth = (long)images.Max(image => image.Width) * panelScale;
        long panelHeight = (long)images.Max(image => image.Height) * panelScale;
        int lineHeight = BitmapFont.LineHeight * TextScale;
        int wrapWidth = (int)Math.Min(panelWidth, int.MaxValue);
        var headings = columnHeadings?.Select(h => BitmapFont.Wrap(h ?? string.Empty, wrapWidth, TextScale)).ToList();
        var labels = rowLabels?.Select(l => BitmapFont.Wrap(l ?? string.Empty, wrapWidth, TextScale)).ToList();
        long headingBand = headings is null ? 0 : (headings.Max(lines => lines.Count) * (long)lineHeight) + padding;
        long labelPanel = labels is null ? 0 : panelWidth + padding;

        long width = labelPanel + (gridColumns * panelWidth) + ((gridColumns + 1L) * padding);
        long height = headingBand + (gridRows * panelHeight) + ((gridRows + 1L) * padding);
        if (width > int.MaxValue || height > int.MaxValue || width * height > int.MaxValue / RgbImage.Channels)
        {
            throw new ArgumentException($"the grid would be {width}×{height} pixels, too large for one image");
        }

        RgbColor fill = background ?? RgbColor.Black;
        RgbColor ink = fill.Luma >= 128 ? RgbColor.Black : RgbColor.White;
        var grid = new RgbImage((int)width, (int)height);
        grid.Fill(fill);
        int panelsLeft = padding + (int)labelPanel;
        int panelsTop = padding + (int)headingBand;
        int pw = (int)panelWidth;
        int ph = (int)panelHeight;

        for (int column = 0; headings is not null && column < gridColumns; column++)
        {
            int left = panelsLeft + (column * (pw + padding));
            for (int line = 0; line < headings[column].Count; line++)
            {
                int lineWidth = BitmapFont.MeasureWidth(headings[column][line].Length, TextScale);
                BitmapFont.DrawText(grid, left + ((pw - lineWidth) / 2), padding + (line * lineHeight), headings[column][line], ink, TextScale);
            }
        }
        for (int row = 0; labels is not null && row < gridRows; row++)
        {
            int top = panelsTop + (row * (ph + padding));
            for (int line = 0; line < labels[row].Count; line++)
            {
                BitmapFont.DrawText(grid, padding, top + (line * lineHeight), labels[row][line], ink, TextScale);
            }
        }
        for (int i = 0; i < count; i++)
        {
            RgbImage image = panelScale == 1 ? images[i] : images[i].UpscaleNearest(panelScale);
            int left = panelsLeft + ((i % gridColumns) * (pw + padding));
            int top = panelsTop + ((i / gridColumns) * (ph + padding));
            grid.DrawImage(image, left + ((pw - image.Width) / 2), top + ((ph - image.Height) / 2));
        }
        return grid;
    }
}
