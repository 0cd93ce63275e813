using System.Globalization;
using System.Text.Json;
using Dice.Core.Images;
using Dice.Core.IO;

namespace Dice.Data;

/// <summary>
/// Writes generated samples as a Hugging Face "imagefolder" dataset:
/// <code>
/// folder/
///   images/000000.png, 000001.png, ...
///   metadata.jsonl      one line per image: {"file_name": "images/000000.png", "text": "...", "attributes": {...}}
///   dice_dataset.json   how it was generated (seed, count, image size, ...)
/// </code>
/// "attributes" is the scene (see <see cref="SceneSpecJson"/>); Hugging Face loads it as an extra column.
/// The folder is built under a temporary name beside it and renamed into place when complete, so a reader never
/// sees half a dataset. The output is a pure function of the generator's options and the count.
/// </summary>
public static class ImageFolderWriter
{
    /// <summary>The <see cref="FaultInjection"/> point after each batch of images written to the staging folder.</summary>
    public const string BatchWrittenKillPoint = "data.batch-written";

    public const string MetadataFileName = "metadata.jsonl";

    public const string ImagesFolderName = "images";

    /// <summary>Dice's own description of a generated dataset, beside metadata.jsonl (ignored by Hugging Face).</summary>
    public const string ManifestFileName = "dice_dataset.json";

    /// <summary>Name of the generator in the manifest.</summary>
    public const string GeneratorName = "dice-shapes";

    /// <summary>Bumped whenever the same options would produce different samples.</summary>
    public const int GeneratorVersion = 1;

    private const int Batch = 256;

    /// <summary>
    /// Writes samples 0 … <paramref name="count"/> − 1 of <paramref name="generator"/> to <paramref name="folder"/>,
    /// reporting the number of samples written so far to <paramref name="progress"/> (increasing, ending at
    /// <paramref name="count"/>). An existing folder is replaced only if <paramref name="overwrite"/> is set.
    /// Images are named with six digits (more if <paramref name="count"/> needs them).
    /// </summary>
    public static void Write(
        string folder,
        DatasetGenerator generator,
        int count,
        IProgress<int>? progress = null,
        bool overwrite = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        string target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        string parent = Path.GetDirectoryName(target)
            ?? throw new ArgumentException($"{folder} is a root directory; write the dataset into a folder below it", nameof(folder));
        if (File.Exists(target))
        {
            throw new IOException($"{target} is a file, not a dataset folder");
        }
        if (Directory.Exists(target) && !overwrite)
        {
            throw new IOException($"{target} already exists (pass overwrite to replace it)");
        }
        Directory.CreateDirectory(parent);
        string name = Path.GetFileName(target);
        string temp = AtomicFile.TempPath(target);
        try
        {
            Directory.CreateDirectory(Path.Combine(temp, ImagesFolderName));
            int digits = Math.Max(6, Math.Max(count - 1, 0).ToString(CultureInfo.InvariantCulture).Length);
            var lines = new byte[Math.Min(count, Batch)][];
            using (var metadata = new FileStream(Path.Combine(temp, MetadataFileName), FileMode.CreateNew, FileAccess.Write))
            {
                for (int start = 0; start < count; start += Batch)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int end = Math.Min(count, start + Batch);
                    var parallel = new ParallelOptions { CancellationToken = cancellationToken };
                    Parallel.For(start, end, parallel, i =>
                    {
                        var sample = generator.Generate(i);
                        string fileName = $"{ImagesFolderName}/{i.ToString("D" + digits, CultureInfo.InvariantCulture)}.png";
                        File.WriteAllBytes(Path.Combine(temp, fileName), PngEncoder.Encode(sample.Image));
                        lines[i - start] = MetadataLine(fileName, sample.Caption, sample.Scene);
                    });
                    // Lines in sample order, whatever order the batch finished in.
                    for (int i = 0; i < end - start; i++)
                    {
                        metadata.Write(lines[i]);
                    }
                    progress?.Report(end);
                    FaultInjection.Reached(BatchWrittenKillPoint);
                }
            }
            File.WriteAllBytes(Path.Combine(temp, ManifestFileName), Manifest(generator.Options, count));
            cancellationToken.ThrowIfCancellationRequested();
            MoveIntoPlace(temp, target, parent, name);
        }
        catch
        {
            TryDeleteDirectory(temp);
            throw;
        }
    }

    /// <summary>One metadata.jsonl line, with its final "\n".</summary>
    public static byte[] MetadataLine(string fileName, string caption, SceneSpec? scene)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(caption);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("file_name", fileName);
            writer.WriteString("text", caption);
            if (scene is not null)
            {
                writer.WritePropertyName("attributes");
                SceneSpecJson.Write(writer, scene);
            }
            writer.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static byte[] Manifest(DatasetOptions options, int count)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("generator", GeneratorName);
            writer.WriteNumber("generator_version", GeneratorVersion);
            writer.WriteNumber("attribute_schema_version", AttributeSchema.Version);
            writer.WriteNumber("seed", options.Seed);
            writer.WriteNumber("count", count);
            writer.WriteNumber("image_size", options.ImageSize);
            writer.WriteNumber("supersampling", options.Supersampling);
            writer.WriteNumber("two_object_probability", options.TwoObjectProbability);
            writer.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void MoveIntoPlace(string temp, string target, string parent, string name)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(temp, target);
            return;
        }
        // Replace: move the old folder aside, the new one in, then delete the old one.
        string old = AtomicFile.TempPath(target);
        Directory.Move(target, old);
        try
        {
            Directory.Move(temp, target);
        }
        catch
        {
            Directory.Move(old, target);
            throw;
        }
        TryDeleteDirectory(old);
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: the original exception matters more.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
