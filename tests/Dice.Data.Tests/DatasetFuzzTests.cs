using Dice.Tests.Shared.Fuzzing;

namespace Dice.Data.Tests;

/// <summary>
/// Seeded fuzzing of the training data indexes (an imagefolder's metadata.jsonl, COCO's captions JSON): every mutated
/// index loads, or is refused with a <see cref="DatasetFormatException"/> naming the file, the one type the readers
/// document for a bad index.
/// </summary>
public class DatasetFuzzTests
{
    public const int Iterations = 2000;

    [Fact]
    public void Mutated_imagefolder_metadata_loads_or_is_refused_with_a_dataset_format_exception()
    {
        using var directory = new TempDirectory();
        File.WriteAllBytes(directory.File("a.png"), []);
        File.WriteAllBytes(directory.File("b.png"), []);
        const string metadata = """
            {"file_name": "a.png", "text": "a red circle", "seed": 3}
            {"file_name": "b.png", "text": "a blue square", "tags": ["x", 1.5]}
            """;
        var path = directory.File("metadata.jsonl");

        var outcome = FuzzLoop.Run("ImageFolderDataset.Load", Iterations, (seed, i) => TextMutator.Mutate(metadata, seed, i), bytes =>
        {
            File.WriteAllBytes(path, bytes);
            Assert.NotEmpty(ImageFolderDataset.Load(directory.Path).Entries);
        }, typeof(DatasetFormatException));

        Assert.True(outcome.Refused > 0 && outcome.Parsed > 0, $"{outcome}: the mutations should reach both outcomes");
    }

    [Fact]
    public void Mutated_COCO_captions_load_or_are_refused_with_a_dataset_format_exception()
    {
        using var directory = new TempDirectory();
        File.WriteAllBytes(directory.File("1.jpg"), []);
        File.WriteAllBytes(directory.File("2.jpg"), []);
        const string captions = """
            {"images": [{"id": 1, "file_name": "1.jpg"}, {"id": 2, "file_name": "2.jpg"}],
             "annotations": [{"id": 10, "image_id": 1, "caption": "a cat"}, {"id": 11, "image_id": 2, "caption": "a dog"}]}
            """;
        var path = directory.File("captions.json");

        var outcome = FuzzLoop.Run("CocoCaptionsReader.Read", Iterations, (seed, i) => TextMutator.Mutate(captions, seed, i), bytes =>
        {
            File.WriteAllBytes(path, bytes);
            CocoCaptionsReader.Read(path, directory.Path);
        }, typeof(DatasetFormatException));

        Assert.True(outcome.Refused > 0 && outcome.Parsed > 0, $"{outcome}: the mutations should reach both outcomes");
    }

    [Theory]
    // Found by the fuzzer: a NUL in file_name made Path.GetFullPath throw ArgumentException, and a lone surrogate
    // escape made JsonDocument throw InvalidOperationException when the string was read.
    [InlineData("{\"file_name\": \"a\\u0000.png\", \"text\": \"x\"}")]
    [InlineData("{\"file_name\": \"a.png\", \"text\": \"\\ud800\"}")]
    public void A_metadata_line_with_an_impossible_string_is_refused_with_a_dataset_format_exception(string line)
    {
        using var directory = new TempDirectory();
        File.WriteAllBytes(directory.File("a.png"), []);
        File.WriteAllText(directory.File("metadata.jsonl"), line);

        var e = Assert.Throws<DatasetFormatException>(() => ImageFolderDataset.Load(directory.Path));

        Assert.Contains("metadata.jsonl", e.Message, StringComparison.Ordinal);
    }
}
