using Dice.Data;

namespace Dice.Data.Tests;

public class CocoCaptionsReaderTests
{
    private const string Valid = """
        {
          "info": {"description": "test"},
          "images": [
            {"id": 9, "file_name": "000000000009.jpg", "height": 480, "width": 640},
            {"id": 25, "file_name": "000000000025.jpg"},
            {"id": 30, "file_name": "000000000030.jpg"}
          ],
          "annotations": [
            {"image_id": 25, "id": 1, "caption": "A giraffe eating leaves. "},
            {"image_id": 9, "id": 2, "caption": "A plate of food."},
            {"image_id": 25, "id": 3, "caption": "A tall giraffe.\n"}
          ]
        }
        """;

    [Fact]
    public void Reads_every_caption_of_every_image()
    {
        using var temp = new TempDirectory();
        var (json, images) = Setup(temp, Valid, "000000000009.jpg", "000000000025.jpg");
        var coco = CocoCaptionsReader.Read(json, images);
        Assert.Equal(
            [
                new CaptionedImage(Path.Combine(images, "000000000009.jpg"), "A plate of food."),
                new CaptionedImage(Path.Combine(images, "000000000025.jpg"), "A giraffe eating leaves."),
                new CaptionedImage(Path.Combine(images, "000000000025.jpg"), "A tall giraffe."),
            ],
            coco.Items);
        Assert.Equal(2, coco.ImageCount);   // image 30 has no caption (and no file): left out
        Assert.Equal(json, ((ICaptionedImageSource)coco).Source);
    }

    [Fact]
    public void Grouping_by_image_gives_each_image_once_with_all_its_captions()
    {
        using var temp = new TempDirectory();
        var (json, images) = Setup(temp, Valid, "000000000009.jpg", "000000000025.jpg");
        var groups = CaptionedImages.GroupByImage(CocoCaptionsReader.Read(json, images).Items);
        Assert.Equal(2, groups.Count);
        Assert.Equal(Path.Combine(images, "000000000009.jpg"), groups[0].ImagePath);
        Assert.Equal(["A plate of food."], groups[0].Captions);
        Assert.Equal(Path.Combine(images, "000000000025.jpg"), groups[1].ImagePath);
        Assert.Equal(["A giraffe eating leaves.", "A tall giraffe."], groups[1].Captions);
    }

    [Theory]
    [InlineData("""{"images": [], "annotations": [{"image_id": 1, "caption": "x"}]}""", "annotations[0]: image_id 1 is not in \"images\"")]
    [InlineData("""{"images": [{"id": 1, "file_name": "a.jpg"}], "annotations": [{"id": 77, "image_id": 2, "caption": "x"}]}""", "annotations[0] (id 77): image_id 2 is not in \"images\"")]
    [InlineData("""{"images": [{"id": 1, "file_name": "a.jpg"}], "annotations": [{"image_id": 1}]}""", "annotations[0]: missing \"caption\"")]
    [InlineData("""{"images": [{"id": 1, "file_name": "a.jpg"}], "annotations": [{"caption": "x"}]}""", "annotations[0]: missing \"image_id\"")]
    [InlineData("""{"images": [{"id": 1, "file_name": "a.jpg"}], "annotations": [{"image_id": "1", "caption": "x"}]}""", "annotations[0]: \"image_id\" must be an integer, got \"1\"")]
    [InlineData("""{"images": [{"id": 1, "file_name": "a.jpg"}], "annotations": [{"image_id": 1, "caption": "  "}]}""", "annotations[0]: \"caption\" is empty")]
    [InlineData("""{"images": [{"file_name": "a.jpg"}], "annotations": []}""", "images[0]: missing \"id\"")]
    [InlineData("""{"images": [{"id": 1}], "annotations": []}""", "images[0]: missing \"file_name\"")]
    [InlineData("""{"images": [{"id": 1, "file_name": "a.jpg"}, {"id": 1, "file_name": "b.jpg"}], "annotations": []}""", "images[1]: id 1 is used by images[0] too")]
    [InlineData("""{"annotations": []}""", "missing \"images\"")]
    [InlineData("""{"images": []}""", "missing \"annotations\"")]
    [InlineData("""{"images": {}, "annotations": []}""", "\"images\" must be an array")]
    [InlineData("""[1, 2]""", "expected a JSON object")]
    [InlineData("""{"images": [{"id": 1, "file_name": "b.jpg"}], "annotations": [{"image_id": 1, "caption": "x"}]}""", "images[0]: image file 'b.jpg' not found")]
    [InlineData("""{"images": [{"id": 1, "file_name": "../a.jpg"}], "annotations": [{"image_id": 1, "caption": "x"}]}""", "must be a path inside the images folder")]
    public void Errors_name_the_problem(string content, string problem)
    {
        using var temp = new TempDirectory();
        var (json, images) = Setup(temp, content, "a.jpg");
        var ex = Assert.Throws<DatasetFormatException>(() => CocoCaptionsReader.Read(json, images));
        Assert.StartsWith(json + ": ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_json_names_the_line()
    {
        using var temp = new TempDirectory();
        var (json, images) = Setup(temp, "{\n  \"images\": [],\n  \"annotations\": [,]\n}", "a.jpg");
        var ex = Assert.Throws<DatasetFormatException>(() => CocoCaptionsReader.Read(json, images));
        Assert.StartsWith(json + ", line 3: invalid JSON", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, ex.LineNumber);
    }

    [Fact]
    public void Missing_files_and_folders()
    {
        using var temp = new TempDirectory();
        var (json, images) = Setup(temp, Valid);
        Assert.Throws<FileNotFoundException>(() => CocoCaptionsReader.Read(temp.File("nope.json"), images));
        Assert.Throws<DirectoryNotFoundException>(() => CocoCaptionsReader.Read(json, temp.File("nope")));
        Assert.Throws<DatasetFormatException>(() => CocoCaptionsReader.Read(json, images));
        var unchecked_ = CocoCaptionsReader.Read(json, temp.File("nope"), new CocoCaptionsOptions { ValidateFiles = false });
        Assert.Equal(3, unchecked_.Items.Count);
    }

    private static (string Json, string Images) Setup(TempDirectory temp, string content, params string[] images)
    {
        string json = temp.File("captions_val2017.json");
        File.WriteAllText(json, content);
        string folder = temp.File("val2017");
        Directory.CreateDirectory(folder);
        foreach (string image in images)
        {
            File.WriteAllBytes(Path.Combine(folder, image), [0xFF, 0xD8]);
        }
        return (json, folder);
    }
}
