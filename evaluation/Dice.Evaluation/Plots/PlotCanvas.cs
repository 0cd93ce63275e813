using Dice.Core.Images;

namespace Dice.Evaluation.Plots;

/// <summary>Integer drawing primitives on an <see cref="RgbImage"/>; everything outside the image is clipped.</summary>
internal sealed class PlotCanvas
{
    public PlotCanvas(RgbImage image)
    {
        Image = image;
    }

    public RgbImage Image { get; }

    public void Plot(int x, int y, RgbColor color)
    {
        if (x >= 0 && x < Image.Width && y >= 0 && y < Image.Height)
        {
            Image.SetPixel(x, y, color);
        }
    }

    /// <summary>
    /// A Bresenham line from (x0, y0) to (x1, y1), both ends included, stamping a <paramref name="thickness"/>-pixel
    /// square centred on each pixel of the line (offset up-left for even thicknesses).
    /// </summary>
    public void DrawLine(int x0, int y0, int x1, int y1, RgbColor color, int thickness = 1)
    {
        int dx = Math.Abs(x1 - x0);
        int dy = -Math.Abs(y1 - y0);
        int stepX = x0 < x1 ? 1 : -1;
        int stepY = y0 < y1 ? 1 : -1;
        int error = dx + dy;
        int offset = thickness / 2;
        while (true)
        {
            if (thickness == 1)
            {
                Plot(x0, y0, color);
            }
            else
            {
                Image.FillRectangle(x0 - offset, y0 - offset, thickness, thickness, color);
            }
            if (x0 == x1 && y0 == y1)
            {
                return;
            }
            int doubled = 2 * error;
            if (doubled >= dy)
            {
                error += dy;
                x0 += stepX;
            }
            if (doubled <= dx)
            {
                error += dx;
                y0 += stepY;
            }
        }
    }

    /// <summary>A filled marker centred on (x, y), reaching <paramref name="radius"/> pixels from the centre each way.</summary>
    public void DrawMarker(int x, int y, PlotMarker marker, int radius, RgbColor color)
    {
        for (int dy = -radius; dy <= radius; dy++)
        {
            for (int dx = -radius; dx <= radius; dx++)
            {
                bool inside = marker switch
                {
                    PlotMarker.Square => true,
                    // r² + r rather than r² rounds off the flat sides a pure r² disc has on small radii.
                    PlotMarker.Circle => (dx * dx) + (dy * dy) <= (radius * radius) + radius,
                    // Apex at the top row, base (full width) at the bottom row.
                    PlotMarker.Triangle => 2 * Math.Abs(dx) <= dy + radius,
                    PlotMarker.Diamond => Math.Abs(dx) + Math.Abs(dy) <= radius,
                    _ => throw new ArgumentOutOfRangeException(nameof(marker), marker, "unknown marker"),
                };
                if (inside)
                {
                    Plot(x + dx, y + dy, color);
                }
            }
        }
    }

    /// <summary>An outlined rectangle, one pixel wide, from (left, top) to (right, bottom) inclusive.</summary>
    public void DrawRectangle(int left, int top, int right, int bottom, RgbColor color)
    {
        DrawLine(left, top, right, top, color);
        DrawLine(left, bottom, right, bottom, color);
        DrawLine(left, top, left, bottom, color);
        DrawLine(right, top, right, bottom, color);
    }

    /// <summary>
    /// <paramref name="text"/> (one line) turned 90° anticlockwise, reading bottom to top; (x, y) is the top-left
    /// corner of the rotated text's bounding box.
    /// </summary>
    public void DrawTextUpwards(int x, int y, string text, RgbColor color, int scale)
    {
        int width = BitmapFont.MeasureWidth(text, scale);
        int height = BitmapFont.GlyphHeight * scale;
        if (width == 0)
        {
            return;
        }
        // The font only draws ink, so draw white on black and copy the white pixels, rotated.
        var horizontal = new RgbImage(width, height);
        BitmapFont.DrawText(horizontal, 0, 0, text, RgbColor.White, scale);
        for (int row = 0; row < height; row++)
        {
            for (int column = 0; column < width; column++)
            {
                if (horizontal.GetPixel(column, row) == RgbColor.White)
                {
                    Plot(x + row, y + width - 1 - column, color);
                }
            }
        }
    }
}
