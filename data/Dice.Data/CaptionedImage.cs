using System.Globalization;

namespace Dice.Data;

/// <summary>An image file and one caption of it.</summary>
/// <param name="ImagePath">Full path of the image file.</param>
/// <param name="Caption">The caption text.</param>
public sealed record CaptionedImage(string ImagePath, string Caption);

/// <summary>
/// Captioned images a trainer can consume, whatever format they came from (a Hugging Face imagefolder, COCO
/// captions). An image with several captions appears once per caption.
/// </summary>
public interface ICaptionedImageSource
{
    /// <summary>Where the data came from (a folder or file), for messages.</summary>
    string Source { get; }

    IReadOnlyList<CaptionedImage> Items { get; }
}

/// <summary>
/// A dataset file that cannot be read: the message names the file, the line when known, and what is wrong, e.g.
/// "/data/metadata.jsonl, line 3: invalid JSON (...)".
/// </summary>
public sealed class DatasetFormatException : IOException
{
    public DatasetFormatException(string filePath, int? lineNumber, string problem, Exception? innerException = null)
        : base(Format(filePath, lineNumber, problem), innerException)
    {
        FilePath = filePath;
        LineNumber = lineNumber;
        Problem = problem;
    }

    public DatasetFormatException()
        : this("", null, "invalid dataset")
    {
    }

    public DatasetFormatException(string message)
        : this("", null, message)
    {
    }

    public DatasetFormatException(string message, Exception innerException)
        : this("", null, message, innerException)
    {
    }

    /// <summary>The file at fault (empty if unknown).</summary>
    public string FilePath { get; }

    /// <summary>1-based line number in <see cref="FilePath"/>, when the problem is on one line.</summary>
    public int? LineNumber { get; }

    /// <summary>What is wrong, without the file and line.</summary>
    public string Problem { get; }

    private static string Format(string filePath, int? lineNumber, string problem)
    {
        string where = lineNumber is { } line
            ? string.Create(CultureInfo.InvariantCulture, $"{filePath}, line {line}")
            : filePath;
        return where.Length == 0 ? problem : $"{where}: {problem}";
    }
}

/// <summary>An image file and all its captions (COCO gives about five an image).</summary>
/// <param name="ImagePath">Full path of the image file.</param>
/// <param name="Captions">Its captions, at least one, in the source's order.</param>
public sealed record ImageCaptions(string ImagePath, IReadOnlyList<string> Captions);

/// <summary>Groupings of <see cref="CaptionedImage"/> lists.</summary>
public static class CaptionedImages
{
    /// <summary>
    /// The pairs grouped by image file (paths compared exactly): images in order of their first pair, each image's
    /// captions in pair order, duplicates kept.
    /// </summary>
    public static IReadOnlyList<ImageCaptions> GroupByImage(IReadOnlyList<CaptionedImage> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        var paths = new List<string>();
        var captions = new List<List<string>>();
        foreach (var item in items)
        {
            if (!positions.TryGetValue(item.ImagePath, out var position))
            {
                position = paths.Count;
                positions.Add(item.ImagePath, position);
                paths.Add(item.ImagePath);
                captions.Add([]);
            }
            captions[position].Add(item.Caption);
        }
        return paths.Select((path, i) => new ImageCaptions(path, captions[i])).ToList();
    }
}
