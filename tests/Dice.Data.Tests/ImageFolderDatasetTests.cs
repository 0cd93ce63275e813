using Dice.Data;

namespace Dice.Data.Tests;

public class ImageFolderDatasetTests
{
    [Fact]
    public void Reads_back_what_the_writer_wrote()
    {
        using var temp = new TempDirectory();
        string folder = temp.File("data");
        var generator = new DatasetGenerator(6);
        ImageFolderWriter.Write(folder, generator, 50);

        var dataset = ImageFolderDataset.Load(folder);
        Assert.Equal(50, dataset.Entries.Count);
        Assert.Equal(50, dataset.Items.Count);
        for (int i = 0; i < 50; i++)
        {
            var expected = generator.Describe(i);
            var entry = dataset.Entries[i];
            Assert.Equal(i + 1, entry.LineNumber);
            Assert.Equal($"images/{i:D6}.png", entry.FileName);
            Assert.Equal(Path.Combine(folder, "images", $"{i:D6}.png"), entry.ImagePath);
            Assert.Equal(expected.Caption, entry.Text);
            Assert.Equal(expected.Scene, entry.Scene);
            Assert.Equal(new CaptionedImage(entry.ImagePath, entry.Text), dataset.Items[i]);
        }
        ICaptionedImageSource source = dataset;
        Assert.Equal(folder, source.Source);
    }

    [Fact]
    public void Other_keys_are_kept_and_blank_lines_skipped()
    {
        using var temp = new TempDirectory();
        var folder = Folder(temp, "a.png", "sub/b.png");
        Write(folder,
            """{"file_name": "a.png", "text": "a cat", "score": 0.5}""",
            "",
            """{"file_name": "sub/b.png", "text": "a dog", "tags": ["x"]}""",
            "   ");
        var dataset = ImageFolderDataset.Load(folder);
        Assert.Equal(2, dataset.Entries.Count);
        Assert.Equal(0.5, dataset.Entries[0].Extra["score"].GetDouble());
        Assert.Equal("x", dataset.Entries[1].Extra["tags"][0].GetString());
        Assert.Equal(3, dataset.Entries[1].LineNumber);
        Assert.Equal(Path.Combine(folder, "sub", "b.png"), dataset.Entries[1].ImagePath);
        Assert.Null(dataset.Entries[0].Scene);
    }

    [Fact]
    public void Another_caption_key_can_be_named()
    {
        using var temp = new TempDirectory();
        var folder = Folder(temp, "a.png");
        Write(folder, """{"file_name": "a.png", "caption": "a cat"}""");
        Assert.Equal("a cat", ImageFolderDataset.Load(folder, new ImageFolderOptions { TextKey = "caption" }).Items[0].Caption);
        var ex = Assert.Throws<DatasetFormatException>(() => ImageFolderDataset.Load(folder));
        Assert.Contains("line 1: missing \"text\"", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"file_name\": \"c.png\", \"text\": \"x\"", "invalid JSON")]
    [InlineData("""not json""", "invalid JSON")]
    [InlineData("""{"file_name": "c.png"}""", "missing \"text\"")]
    [InlineData("""{"text": "x"}""", "missing \"file_name\"")]
    [InlineData("""{"file_name": "c.png", "text": null}""", "\"text\" must be a string, got null")]
    [InlineData("""{"file_name": 3, "text": "x"}""", "\"file_name\" must be a string, got a number")]
    [InlineData("""["c.png", "x"]""", "expected a JSON object, got an array")]
    [InlineData("""{"file_name": "missing.png", "text": "x"}""", "image file 'missing.png' not found")]
    [InlineData("""{"file_name": "../c.png", "text": "x"}""", "must be a path inside the dataset folder")]
    [InlineData("""{"file_name": "/etc/passwd", "text": "x"}""", "must be a path inside the dataset folder")]
    [InlineData("""{"file_name": "", "text": "x"}""", "\"file_name\" is empty")]
    public void A_malformed_line_is_an_error_naming_the_file_and_line(string badLine, string problem)
    {
        using var temp = new TempDirectory();
        var folder = Folder(temp, "a.png", "b.png", "c.png");
        Write(folder,
            """{"file_name": "a.png", "text": "one"}""",
            """{"file_name": "b.png", "text": "two"}""",
            badLine,
            """{"file_name": "c.png", "text": "four"}""");
        var ex = Assert.Throws<DatasetFormatException>(() => ImageFolderDataset.Load(folder));
        Assert.StartsWith(Path.Combine(folder, "metadata.jsonl") + ", line 3: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, ex.LineNumber);
        Assert.Equal(Path.Combine(folder, "metadata.jsonl"), ex.FilePath);
    }

    [Fact]
    public void Missing_files_can_be_allowed()
    {
        using var temp = new TempDirectory();
        var folder = Folder(temp);
        Write(folder, """{"file_name": "later.png", "text": "x"}""");
        Assert.Throws<DatasetFormatException>(() => ImageFolderDataset.Load(folder));
        Assert.Single(ImageFolderDataset.Load(folder, new ImageFolderOptions { ValidateFiles = false }).Items);
    }

    [Fact]
    public void A_folder_without_metadata_or_entries_is_an_error()
    {
        using var temp = new TempDirectory();
        Assert.Throws<DirectoryNotFoundException>(() => ImageFolderDataset.Load(temp.File("nope")));
        var folder = Folder(temp);
        var missing = Assert.Throws<FileNotFoundException>(() => ImageFolderDataset.Load(folder));
        Assert.Contains("metadata.jsonl", missing.Message, StringComparison.Ordinal);
        Write(folder, "", "");
        var empty = Assert.Throws<DatasetFormatException>(() => ImageFolderDataset.Load(folder));
        Assert.Contains("no entries", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_attributes_are_reported_when_read()
    {
        using var temp = new TempDirectory();
        var folder = Folder(temp, "a.png");
        Write(folder, """{"file_name": "a.png", "text": "x", "attributes": {"background": "red", "objects": [{"shape": "circle", "color": "red", "size": "small", "position": "top"}]}}""");
        var entry = ImageFolderDataset.Load(folder).Entries[0];
        var ex = Assert.Throws<FormatException>(() => entry.Scene);
        Assert.Contains("background", ex.Message, StringComparison.Ordinal);
    }

    private static string Folder(TempDirectory temp, params string[] images)
    {
        string folder = temp.File("data");
        Directory.CreateDirectory(folder);
        foreach (string image in images)
        {
            string path = Path.Combine(folder, image);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, [0x89, 0x50, 0x4E, 0x47]);
        }
        return folder;
    }

    private static void Write(string folder, params string[] lines) =>
        File.WriteAllText(Path.Combine(folder, "metadata.jsonl"), string.Join("\n", lines) + "\n");
}
