namespace Dice.Core.Images;

/// <summary>The PNG signature and the four-letter chunk types this toolkit writes or reads.</summary>
internal static class PngChunkType
{
    public const string Header = "IHDR";
    public const string Palette = "PLTE";
    public const string Data = "IDAT";
    public const string End = "IEND";
    public const string Text = "tEXt";

    /// <summary>137 'P' 'N' 'G' CR LF SUB LF.</summary>
    public static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>Length of the IHDR data.</summary>
    public const int HeaderLength = 13;

    /// <summary>Largest chunk length the specification allows (2³¹ − 1).</summary>
    public const uint MaxLength = int.MaxValue;
}
