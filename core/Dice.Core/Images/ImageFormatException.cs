namespace Dice.Core.Images;

/// <summary>
/// A PNG file is malformed or uses a feature the decoder does not support; the message says which. An
/// <see cref="IOException"/>, so code that reads files and catches I/O failures sees it too.
/// </summary>
public sealed class PngFormatException : IOException
{
    public PngFormatException()
    {
    }

    public PngFormatException(string message)
        : base(message)
    {
    }

    public PngFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
