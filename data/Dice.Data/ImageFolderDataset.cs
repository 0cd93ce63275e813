using System.Text.Json;
using Dice.Core.IO;

namespace Dice.Data;

/// <summary>How <see cref="ImageFolderDataset.Load"/> reads a folder.</summary>
public sealed record ImageFolderOptions
{
    /// <summary>The key of the caption in each metadata line (Hugging Face's usual "text").</summary>
    public string TextKey { get; init; } = "text";

    /// <summary>Check that every image file exists (one <see cref="File.Exists"/> per line).</summary>
    public bool ValidateFiles { get; init; } = true;
}

/// <summary>One line of metadata.jsonl.</summary>
/// <param name="LineNumber">1-based line in metadata.jsonl.</param>
/// <param name="FileName">"file_name" as written, relative to the folder.</param>
/// <param name="ImagePath">Full path of the image.</param>
/// <param name="Text">The caption.</param>
/// <param name="Extra">Every other key of the line (for the generator's data: "attributes").</param>
public sealed record ImageFolderEntry(
    int LineNumber,
    string FileName,
    string ImagePath,
    string Text,
    IReadOnlyDictionary<string, JsonElement> Extra)
{
    /// <summary>The scene stored under "attributes" by <see cref="ImageFolderWriter"/>, or null if the line has none.</summary>
    /// <exception cref="FormatException">"attributes" is there but is not a valid scene.</exception>
    public SceneSpec? Scene => Extra.TryGetValue("attributes", out var attributes) ? SceneSpecJson.Read(attributes) : null;
}

/// <summary>
/// A Hugging Face "imagefolder" dataset with captions: a folder with a metadata.jsonl whose lines are JSON objects
/// with "file_name" (an image path relative to the folder, forward slashes) and "text" (the caption); other keys are
/// kept. Blank lines are skipped. Anything else (a line that is not a JSON object, a missing or non-string key, a
/// path that leaves the folder, a missing image) is a <see cref="DatasetFormatException"/> that names the file and
/// line. This is the format the generator writes and the one <c>dice train</c> reads for any data.
/// </summary>
public sealed class ImageFolderDataset : ICaptionedImageSource
{
    private ImageFolderDataset(string folder, string metadataPath, IReadOnlyList<ImageFolderEntry> entries)
    {
        Folder = folder;
        MetadataPath = metadataPath;
        Entries = entries;
        Items = entries.Select(e => new CaptionedImage(e.ImagePath, e.Text)).ToArray();
    }

    /// <summary>Full path of the dataset folder.</summary>
    public string Folder { get; }

    /// <summary>Full path of its metadata.jsonl.</summary>
    public string MetadataPath { get; }

    /// <summary>The lines of metadata.jsonl, in order.</summary>
    public IReadOnlyList<ImageFolderEntry> Entries { get; }

    public IReadOnlyList<CaptionedImage> Items { get; }

    string ICaptionedImageSource.Source => Folder;

    /// <summary>Reads <paramref name="folder"/>/metadata.jsonl.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">It has no metadata.jsonl.</exception>
    /// <exception cref="DatasetFormatException">A line is malformed or names a missing image, or there are no entries.</exception>
    public static ImageFolderDataset Load(string folder, ImageFolderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        options ??= new ImageFolderOptions();
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"dataset folder {root} does not exist");
        }
        string metadataPath = Path.Combine(root, ImageFolderWriter.MetadataFileName);
        if (!File.Exists(metadataPath))
        {
            throw new FileNotFoundException(
                $"{root} has no {ImageFolderWriter.MetadataFileName} (an imagefolder dataset lists its images there, one JSON object per line with \"file_name\" and \"{options.TextKey}\")",
                metadataPath);
        }

        var entries = new List<ImageFolderEntry>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(metadataPath))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            entries.Add(ReadLine(line, lineNumber, root, metadataPath, options));
        }
        if (entries.Count == 0)
        {
            throw new DatasetFormatException(metadataPath, null, "no entries (the file is empty)");
        }
        return new ImageFolderDataset(root, metadataPath, entries);
    }

    private static ImageFolderEntry ReadLine(string line, int lineNumber, string root, string metadataPath, ImageFolderOptions options)
    {
        DatasetFormatException Error(string problem, Exception? inner = null) => new(metadataPath, lineNumber, problem, inner);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw Error($"invalid JSON ({e.Message})", e);
        }
        try
        {
            using (document)
            {
                var element = document.RootElement;
                if (element.ValueKind != JsonValueKind.Object)
                {
                    throw Error($"expected a JSON object, got {Describe(element.ValueKind)}");
                }
                string fileName = RequiredString(element, "file_name", Error);
                string text = RequiredString(element, options.TextKey, Error);
                string imagePath = ResolveImage(fileName, root, Error);
                if (options.ValidateFiles && !File.Exists(imagePath))
                {
                    throw Error($"image file '{fileName}' not found (looked for {imagePath})");
                }
                var extra = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name != "file_name" && property.Name != options.TextKey)
                    {
                        extra[property.Name] = property.Value.Clone();
                    }
                }
                return new ImageFolderEntry(lineNumber, fileName, imagePath, text, extra);
            }
        }
        catch (InvalidOperationException e)
        {
            // JsonDocument decodes a string only when it is read: an escape such as \ud800 that is not valid UTF-16 fails then.
            throw Error($"holds a string that is not valid Unicode ({e.Message})", e);
        }
    }

    private static string RequiredString(JsonElement element, string key, Func<string, Exception?, DatasetFormatException> error)
    {
        if (!element.TryGetProperty(key, out var value))
        {
            throw error($"missing \"{key}\"", null);
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            throw error($"\"{key}\" must be a string, got {Describe(value.ValueKind)}", null);
        }
        return value.GetString()!;
    }

    /// <summary>The full path of a relative file_name, which must stay inside the folder.</summary>
    private static string ResolveImage(string fileName, string root, Func<string, Exception?, DatasetFormatException> error)
    {
        if (fileName.Length == 0)
        {
            throw error("\"file_name\" is empty", null);
        }
        if (fileName.Contains('\0', StringComparison.Ordinal))
        {
            // No file system path holds a NUL; the path functions would throw ArgumentException.
            throw error("\"file_name\" holds a NUL character", null);
        }
        try
        {
            return ConfinedPath.Resolve(root, fileName.Replace('\\', '/'), "metadata", "file_name");
        }
        catch (PathEscapeException e)
        {
            throw error($"\"file_name\" '{fileName}' must be a path inside the dataset folder {e.Folder}: it {e.Reason}", e);
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };
}
