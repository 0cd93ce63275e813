namespace Dice.Core.Images;

/// <summary>
/// An image file is malformed, too large or in a format Dice does not read; the message names the file and the
/// problem. An <see cref="IOException"/>, so code that reads files and catches I/O failures sees it too.
/// </summary>
public sealed class ImageFormatException : IOException
{
    public ImageFormatException()
    {
    }

    public ImageFormatException(string message)
        : base(message)
    {
    }

    public ImageFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
