using System.Text.Json;
using Dice.Data;
using Dice.Core.Images;

namespace Dice.Data.Tests;

public class ImageFolderWriterTests
{
    [Fact]
    public void Writes_the_imagefolder_layout()
    {
        using var temp = new TempDirectory();
        string folder = temp.File("data");
        var reports = new List<int>();
        ImageFolderWriter.Write(folder, new DatasetGenerator(4), 300, new SyncProgress(reports.Add));

        Assert.Equal(["data"], temp.FileNames());   // no temporary folder left beside it
        Assert.Equal(["dice_dataset.json", "images", "metadata.jsonl"],
            Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var images = Directory.GetFiles(Path.Combine(folder, "images")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"{i:D6}.png"), images);
        Assert.Equal([256, 300], reports);

        string[] lines = File.ReadAllLines(Path.Combine(folder, "metadata.jsonl"));
        Assert.Equal(300, lines.Length);
        Assert.EndsWith("\n", File.ReadAllText(Path.Combine(folder, "metadata.jsonl")), StringComparison.Ordinal);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal(["file_name", "text", "attributes"], first.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("images/000000.png", first.RootElement.GetProperty("file_name").GetString());

        var generator = new DatasetGenerator(4);
        var sample = generator.Generate(7);
        using var line = JsonDocument.Parse(lines[7]);
        Assert.Equal(sample.Caption, line.RootElement.GetProperty("text").GetString());
        Assert.Equal(sample.Scene, SceneSpecJson.Read(line.RootElement.GetProperty("attributes")));
        var png = PngFile.Read(Path.Combine(folder, "images", "000007.png"));
        Assert.True(sample.Image.PixelsEqual(png.ToRgbImage()));

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "dice_dataset.json")));
        Assert.Equal(4, manifest.RootElement.GetProperty("seed").GetInt64());
        Assert.Equal(300, manifest.RootElement.GetProperty("count").GetInt32());
        Assert.Equal(32, manifest.RootElement.GetProperty("image_size").GetInt32());
    }

    [Fact]
    public void Output_is_a_function_of_seed_count_and_size()
    {
        using var temp = new TempDirectory();
        ImageFolderWriter.Write(temp.File("a"), new DatasetGenerator(8), 40);
        ImageFolderWriter.Write(temp.File("b"), new DatasetGenerator(8), 40);
        ImageFolderWriter.Write(temp.File("c"), new DatasetGenerator(9), 40);
        ImageFolderWriter.Write(temp.File("d"), new DatasetGenerator(8, imageSize: 64), 40);

        static byte[] Bytes(string folder, string file) => File.ReadAllBytes(Path.Combine(folder, file));
        var files = new[] { "metadata.jsonl", "dice_dataset.json" }
            .Concat(Enumerable.Range(0, 40).Select(i => $"images/{i:D6}.png")).ToArray();
        foreach (string file in files)
        {
            Assert.Equal(Bytes(temp.File("a"), file), Bytes(temp.File("b"), file));
        }
        Assert.NotEqual(Bytes(temp.File("a"), "metadata.jsonl"), Bytes(temp.File("c"), "metadata.jsonl"));
        Assert.True(Enumerable.Range(0, 40).Count(i => !Bytes(temp.File("a"), files[2 + i]).AsSpan().SequenceEqual(Bytes(temp.File("c"), files[2 + i]))) > 30);
        Assert.Equal(64, PngFile.Read(Path.Combine(temp.File("d"), "images", "000000.png")).Width);
        // Same scenes and captions at another size: only the images differ.
        Assert.Equal(Bytes(temp.File("a"), "metadata.jsonl"), Bytes(temp.File("d"), "metadata.jsonl"));
    }

    [Fact]
    public void An_existing_folder_is_replaced_only_when_asked()
    {
        using var temp = new TempDirectory();
        string folder = temp.File("data");
        ImageFolderWriter.Write(folder, new DatasetGenerator(1), 5);
        var ex = Assert.Throws<IOException>(() => ImageFolderWriter.Write(folder, new DatasetGenerator(2), 3));
        Assert.Contains("already exists", ex.Message, StringComparison.Ordinal);
        Assert.Equal(5, File.ReadAllLines(Path.Combine(folder, "metadata.jsonl")).Length);

        ImageFolderWriter.Write(folder, new DatasetGenerator(2), 3, overwrite: true);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(folder, "metadata.jsonl")).Length);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(folder, "images")).Length);
        Assert.Equal(["data"], temp.FileNames());
    }

    [Fact]
    public void A_cancelled_write_leaves_nothing()
    {
        using var temp = new TempDirectory();
        using var cancel = new CancellationTokenSource();
        var progress = new SyncProgress(_ => cancel.Cancel());
        Assert.ThrowsAny<OperationCanceledException>(() =>
            ImageFolderWriter.Write(temp.File("data"), new DatasetGenerator(1), 1000, progress, cancellationToken: cancel.Token));
        Assert.Empty(temp.FileNames());
    }

    [Fact]
    public void Metadata_lines_have_a_fixed_form_and_no_samples_is_an_empty_file()
    {
        using var temp = new TempDirectory();
        ImageFolderWriter.Write(temp.File("data"), new DatasetGenerator(1), 0);
        Assert.Equal("", File.ReadAllText(Path.Combine(temp.File("data"), "metadata.jsonl")));
        Assert.Equal(
            """{"file_name":"images/0000001.png","text":"x","attributes":{"count":1,"background":"red","objects":[{"shape":"circle","color":"blue","size":"small","position":"top"}]}}""" + "\n",
            System.Text.Encoding.UTF8.GetString(ImageFolderWriter.MetadataLine("images/0000001.png", "x",
                new SceneSpec(ColorName.Red, new ObjectSpec(ShapeKind.Circle, ColorName.Blue, ObjectSize.Small, ObjectPosition.Top)))));
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
