using Dice.Data;

namespace Dice.Trainer.Sharpener;

/// <summary>Opens the data a sharpener trains on: an imagefolder dataset or a COCO captions file.</summary>
public static class SharpenerData
{
    /// <summary>
    /// A folder is read as an imagefolder (metadata.jsonl with file_name and text); a file as COCO captions
    /// (captions_*.json), whose images are in <paramref name="imagesFolder"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing at <paramref name="path"/>.</exception>
    /// <exception cref="ArgumentException">A COCO file without an images folder, or a folder with one.</exception>
    /// <exception cref="DatasetFormatException">The reader's message for a malformed file.</exception>
    public static ICaptionedImageSource Open(string path, string? imagesFolder = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            if (imagesFolder is not null)
            {
                throw new ArgumentException($"{full} is an imagefolder dataset: its images are listed in its metadata.jsonl, so give no images folder");
            }
            return ImageFolderDataset.Load(full);
        }
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"training data {full} does not exist (give an imagefolder dataset or a COCO captions file)", full);
        }
        if (imagesFolder is null)
        {
            throw new ArgumentException($"{full} is a COCO captions file: give the folder of its images too");
        }
        if (!Directory.Exists(imagesFolder))
        {
            throw new DirectoryNotFoundException($"images folder {Path.GetFullPath(imagesFolder)} does not exist");
        }
        return CocoCaptionsReader.Read(full, imagesFolder);
    }

    /// <summary>Negative prompts from a text file: one a line, blank lines skipped.</summary>
    /// <exception cref="FileNotFoundException">No such file (the message names it).</exception>
    /// <exception cref="InvalidDataException">The file holds no prompt.</exception>
    public static IReadOnlyList<string> ReadNegatives(string path) => ReadPrompts(path, "negative prompts");

    /// <summary>Validation prompts (the rows of the validation grids) from a text file: one a line, blank lines skipped.</summary>
    /// <exception cref="FileNotFoundException">No such file (the message names it).</exception>
    /// <exception cref="InvalidDataException">The file holds no prompt.</exception>
    public static IReadOnlyList<string> ReadValidationPrompts(string path) => ReadPrompts(path, "validation prompts");

    private static List<string> ReadPrompts(string path, string what)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{what} file {Path.GetFullPath(path)} does not exist", path);
        }
        var prompts = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        if (prompts.Count == 0)
        {
            throw new InvalidDataException($"{what} file {Path.GetFullPath(path)} has no prompts (one a line)");
        }
        return prompts;
    }
}
