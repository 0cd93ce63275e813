namespace Dice.Core.Images;

/// <summary>How <see cref="PngEncoder"/> filters and compresses. The defaults suit generated images.</summary>
public sealed record PngEncoderOptions
{
    public static PngEncoderOptions Default { get; } = new();

    /// <summary>
    /// One filter type for every row, or null (the default) to choose per row with the minimum-sum-of-absolute-
    /// differences heuristic the PNG specification recommends (deterministic: ties take the lower type number).
    /// </summary>
    public PngFilterType? Filter { get; init; }

    /// <summary>zlib compression level, 0 (store) to 9 (smallest). Fixed, so output is reproducible; default 6.</summary>
    public int CompressionLevel { get; init; } = 6;

    /// <summary>Largest IDAT chunk; the compressed stream is split into chunks of this many bytes. Default 64 KiB.</summary>
    public int MaxIdatLength { get; init; } = 1 << 16;
}
