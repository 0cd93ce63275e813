using System.Text.Json;
using Dice.Core.IO;

namespace Dice.Data;

/// <summary>How <see cref="CocoCaptionsReader.Read"/> reads a COCO captions file.</summary>
public sealed record CocoCaptionsOptions
{
    /// <summary>Check that the image of every caption exists in the images folder.</summary>
    public bool ValidateFiles { get; init; } = true;
}

/// <summary>Captions read from a COCO captions_*.json file.</summary>
public sealed class CocoCaptions : ICaptionedImageSource
{
    internal CocoCaptions(string annotationsPath, string imagesFolder, IReadOnlyList<CaptionedImage> items, int imageCount)
    {
        AnnotationsPath = annotationsPath;
        ImagesFolder = imagesFolder;
        Items = items;
        ImageCount = imageCount;
    }

    /// <summary>Full path of the captions_*.json file.</summary>
    public string AnnotationsPath { get; }

    /// <summary>Full path of the folder the images' file names are relative to.</summary>
    public string ImagesFolder { get; }

    /// <summary>Every (image, caption) pair: images in the file's "images" order, each image's captions in annotation order.</summary>
    public IReadOnlyList<CaptionedImage> Items { get; }

    /// <summary>How many distinct images have at least one caption.</summary>
    public int ImageCount { get; }

    string ICaptionedImageSource.Source => AnnotationsPath;
}

/// <summary>
/// Reads COCO caption annotations (captions_train2017.json and the like):
/// <code>{"images": [{"id": 9, "file_name": "000000000009.jpg", ...}], "annotations": [{"image_id": 9, "caption": "...", ...}], ...}</code>
/// Other keys are ignored. Captions are trimmed of surrounding white space. Images without captions are left out.
/// Errors are <see cref="DatasetFormatException"/>s naming the file and the element at fault, e.g.
/// "annotations[12] (id 4321): image_id 77 is not in \"images\"".
/// </summary>
public static class CocoCaptionsReader
{
    /// <summary>Reads <paramref name="annotationsPath"/>; image file names are relative to <paramref name="imagesFolder"/>.</summary>
    /// <exception cref="FileNotFoundException">The annotations file does not exist.</exception>
    /// <exception cref="DirectoryNotFoundException">The images folder does not exist (when validating files).</exception>
    /// <exception cref="DatasetFormatException">The file is not valid COCO captions, or an image is missing.</exception>
    public static CocoCaptions Read(string annotationsPath, string imagesFolder, CocoCaptionsOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(annotationsPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(imagesFolder);
        options ??= new CocoCaptionsOptions();
        string path = Path.GetFullPath(annotationsPath);
        string folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(imagesFolder));
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"COCO captions file {path} does not exist", path);
        }
        if (options.ValidateFiles && !Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"COCO images folder {folder} does not exist");
        }
        DatasetFormatException Error(string problem, int? line = null, Exception? inner = null) => new(path, line, problem, inner);

        JsonDocument document;
        try
        {
            using var stream = File.OpenRead(path);
            document = JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            int? line = e.LineNumber is { } zeroBased ? (int)zeroBased + 1 : null;
            throw Error($"invalid JSON ({e.Message})", line, e);
        }
        try
        {
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw Error("expected a JSON object with \"images\" and \"annotations\"");
                }
                var images = RequiredArray(root, "images", Error);
                var annotations = RequiredArray(root, "annotations", Error);

                // id → (position in "images", file name), and the captions of each image in annotation order.
                var byId = new Dictionary<long, int>();
                var fileNames = new List<string>();
                int index = 0;
                foreach (var image in images.EnumerateArray())
                {
                    string where = $"images[{index}]";
                    RequireObject(image, where, Error);
                    long id = RequiredId(image, "id", where, Error);
                    string fileName = RequiredString(image, "file_name", where, Error);
                    if (!byId.TryAdd(id, fileNames.Count))
                    {
                        throw Error($"{where}: id {id} is used by images[{byId[id]}] too");
                    }
                    fileNames.Add(fileName);
                    index++;
                }

                var captions = new List<string>?[fileNames.Count];
                index = 0;
                foreach (var annotation in annotations.EnumerateArray())
                {
                    string where = $"annotations[{index}]";
                    RequireObject(annotation, where, Error);
                    if (annotation.TryGetProperty("id", out var annotationId) && annotationId.ValueKind == JsonValueKind.Number)
                    {
                        where += $" (id {annotationId.GetRawText()})";
                    }
                    long imageId = RequiredId(annotation, "image_id", where, Error);
                    string caption = RequiredString(annotation, "caption", where, Error).Trim();
                    if (!byId.TryGetValue(imageId, out int imageIndex))
                    {
                        throw Error($"{where}: image_id {imageId} is not in \"images\"");
                    }
                    if (caption.Length == 0)
                    {
                        throw Error($"{where}: \"caption\" is empty");
                    }
                    (captions[imageIndex] ??= []).Add(caption);
                    index++;
                }

                var items = new List<CaptionedImage>();
                int imageCount = 0;
                for (int i = 0; i < fileNames.Count; i++)
                {
                    if (captions[i] is not { } list)
                    {
                        continue;
                    }
                    string fileName = fileNames[i];
                    if (fileName.Contains('\0', StringComparison.Ordinal))
                    {
                        // No file system path holds a NUL; the path functions would throw ArgumentException.
                        throw Error($"images[{i}]: \"file_name\" holds a NUL character");
                    }
                    string imagePath;
                    try
                    {
                        imagePath = ConfinedPath.Resolve(folder, fileName, path, $"images[{i}].file_name");
                    }
                    catch (PathEscapeException e)
                    {
                        throw Error($"images[{i}]: \"file_name\" '{fileName}' must be a path inside the images folder {e.Folder}: it {e.Reason}", null, e);
                    }
                    if (options.ValidateFiles && !File.Exists(imagePath))
                    {
                        throw Error($"images[{i}]: image file '{fileName}' not found in {folder}");
                    }
                    imageCount++;
                    items.AddRange(list.Select(caption => new CaptionedImage(imagePath, caption)));
                }
                return new CocoCaptions(path, folder, items, imageCount);
            }
        }
        catch (InvalidOperationException e)
        {
            // JsonDocument decodes a string only when it is read: an escape such as \ud800 that is not valid UTF-16 fails then.
            throw Error($"holds a string that is not valid Unicode ({e.Message})", null, e);
        }
    }

    private static JsonElement RequiredArray(JsonElement root, string key, Func<string, int?, Exception?, DatasetFormatException> error) =>
        root.TryGetProperty(key, out var value)
            ? value.ValueKind == JsonValueKind.Array ? value : throw error($"\"{key}\" must be an array", null, null)
            : throw error($"missing \"{key}\" (not a COCO captions file?)", null, null);

    private static void RequireObject(JsonElement element, string where, Func<string, int?, Exception?, DatasetFormatException> error)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw error($"{where} must be an object", null, null);
        }
    }

    private static long RequiredId(JsonElement element, string key, string where, Func<string, int?, Exception?, DatasetFormatException> error)
    {
        if (!element.TryGetProperty(key, out var value))
        {
            throw error($"{where}: missing \"{key}\"", null, null);
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long id)
            ? id
            : throw error($"{where}: \"{key}\" must be an integer, got {value.GetRawText()}", null, null);
    }

    private static string RequiredString(JsonElement element, string key, string where, Func<string, int?, Exception?, DatasetFormatException> error)
    {
        if (!element.TryGetProperty(key, out var value))
        {
            throw error($"{where}: missing \"{key}\"", null, null);
        }
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw error($"{where}: \"{key}\" must be a string, got {value.GetRawText()}", null, null);
    }
}
