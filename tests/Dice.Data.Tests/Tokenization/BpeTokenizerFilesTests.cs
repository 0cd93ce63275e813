using System.Text;
using System.Text.Json;
using Dice.Data.Tokenization;

namespace Dice.Data.Tests.Tokenization;

/// <summary>The files <see cref="BpeTokenizerFiles.Write"/> produces, and how it writes them.</summary>
public sealed class BpeTokenizerFilesTests : IDisposable
{
    private static readonly string[] TokenizerFiles = ["merges.txt", "special_tokens_map.json", "tokenizer_config.json", "vocab.json"];

    private readonly TempDirectory directory = new();

    private static LearnedBpe Learned => CaptionCorpus.Learned;

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Writes_the_four_files_and_returns_the_full_path()
    {
        var path = BpeTokenizerFiles.Write(directory.File("tokenizer"), Learned);

        Assert.Equal(directory.File("tokenizer"), path);
        Assert.Equal(TokenizerFiles, Directory.GetFiles(path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["tokenizer"], directory.FileNames());
    }

    [Fact]
    public void Vocab_json_maps_every_token_to_its_id_on_one_line_in_id_order()
    {
        var path = BpeTokenizerFiles.Write(directory.File("tokenizer"), Learned);
        var text = File.ReadAllText(Path.Combine(path, "vocab.json"));

        var vocabulary = JsonSerializer.Deserialize<Dictionary<string, int>>(text)!;

        Assert.Equal(Learned.Vocabulary.Count, vocabulary.Count);
        Assert.All(vocabulary, p => Assert.Equal(Learned.Vocabulary[p.Value], p.Key));
        Assert.StartsWith("{\"!\": 0, \"\\\"\": 1, \"#\": 2, ", text, StringComparison.Ordinal);
        Assert.Contains(", \"\\\\</w>\": 315, ", text, StringComparison.Ordinal);
        Assert.EndsWith(", \"<|startoftext|>\": " + Learned.StartOfTextId + ", \"<|endoftext|>\": " + Learned.EndOfTextId + "}", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', text);
        // Non-ASCII symbols are written as UTF-8, not escaped, as in CLIP's own file.
        Assert.Contains("\"\u0100\": 188", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Merges_txt_is_the_version_header_then_one_pair_per_line_in_rank_order()
    {
        var path = BpeTokenizerFiles.Write(directory.File("tokenizer"), Learned);
        var text = File.ReadAllText(Path.Combine(path, "merges.txt"));

        var lines = text.Split('\n');

        Assert.Equal("#version: 0.2", lines[0]);
        Assert.Equal(Learned.Merges.Select(m => m.Left + " " + m.Right), lines[1..^1]);
        Assert.Equal(string.Empty, lines[^1]);
        Assert.All(lines[1..^1], line => Assert.Equal(2, line.Split(' ').Length));
    }

    [Fact]
    public void The_configuration_files_name_the_special_tokens_and_the_length()
    {
        var path = BpeTokenizerFiles.Write(directory.File("tokenizer"), Learned);

        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(path, "tokenizer_config.json")));
        using var specials = JsonDocument.Parse(File.ReadAllText(Path.Combine(path, "special_tokens_map.json")));

        var root = config.RootElement;
        Assert.Equal("<|startoftext|>", root.GetProperty("bos_token").GetString());
        Assert.Equal("<|endoftext|>", root.GetProperty("eos_token").GetString());
        Assert.Equal("<|endoftext|>", root.GetProperty("pad_token").GetString());
        Assert.Equal("<|endoftext|>", root.GetProperty("unk_token").GetString());
        Assert.Equal(77, root.GetProperty("model_max_length").GetInt32());
        Assert.Equal("CLIPTokenizer", root.GetProperty("tokenizer_class").GetString());
        Assert.True(root.GetProperty("do_lower_case").GetBoolean());
        Assert.Equal(
            ["bos_token", "eos_token", "pad_token", "unk_token"],
            specials.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("<|endoftext|>", specials.RootElement.GetProperty("pad_token").GetString());
    }

    [Fact]
    public void Files_are_utf8_without_bom_with_lf_line_ends()
    {
        var path = BpeTokenizerFiles.Write(directory.File("tokenizer"), Learned);

        foreach (var file in TokenizerFiles)
        {
            var bytes = File.ReadAllBytes(Path.Combine(path, file));
            Assert.False(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble), $"{file} starts with a BOM");
            Assert.DoesNotContain((byte)'\r', bytes);
        }
    }

    [Fact]
    public void The_same_corpus_and_settings_give_identical_bytes()
    {
        var first = BpeTokenizerFiles.Write(directory.File("first"), BpeTrainer.Learn(CaptionCorpus.Captions, 600));
        var reversed = CaptionCorpus.Captions.Reverse().ToArray();
        var second = BpeTokenizerFiles.Write(directory.File("second"), BpeTrainer.Learn(reversed, 600));

        foreach (var file in TokenizerFiles)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(first, file)), File.ReadAllBytes(Path.Combine(second, file)));
        }
    }

    [Fact]
    public void An_existing_folder_is_left_alone_unless_overwrite_is_set()
    {
        var target = directory.File("tokenizer");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "keep.txt"), "old");

        var error = Assert.Throws<IOException>(() => BpeTokenizerFiles.Write(target, Learned));

        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
        Assert.Equal(["keep.txt"], Directory.GetFiles(target).Select(Path.GetFileName));
        Assert.Equal(["tokenizer"], directory.FileNames());
    }

    [Fact]
    public void Overwrite_replaces_the_whole_folder_and_leaves_nothing_else_behind()
    {
        var target = directory.File("tokenizer");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "keep.txt"), "old");

        BpeTokenizerFiles.Write(target, Learned, new BpeTokenizerFileOptions { Overwrite = true });

        Assert.Equal(TokenizerFiles, Directory.GetFiles(target).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["tokenizer"], directory.FileNames());
    }

    [Fact]
    public void Creates_missing_parent_folders()
    {
        var path = BpeTokenizerFiles.Write(directory.File(Path.Combine("a", "b", "tokenizer")), Learned);

        Assert.True(File.Exists(Path.Combine(path, "vocab.json")));
        Assert.Equal(["tokenizer"], Directory.GetFileSystemEntries(directory.File(Path.Combine("a", "b"))).Select(Path.GetFileName));
    }

    [Fact]
    public void A_failed_write_leaves_no_folder()
    {
        // The parent "folder" is a file, so nothing can be created under it.
        File.WriteAllText(directory.File("blocker"), "x");

        Assert.ThrowsAny<IOException>(() => BpeTokenizerFiles.Write(Path.Combine(directory.File("blocker"), "tokenizer"), Learned));

        Assert.Equal(["blocker"], directory.FileNames());
    }

    [Fact]
    public void A_file_in_the_way_is_an_error()
    {
        File.WriteAllText(directory.File("tokenizer"), "x");

        var error = Assert.Throws<IOException>(() => BpeTokenizerFiles.Write(directory.File("tokenizer"), Learned, new BpeTokenizerFileOptions { Overwrite = true }));

        Assert.Contains("a file of that name exists", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, "<|endoftext|>", "model_max_length 1 is too small")]
    [InlineData(77, "<pad>", "pad token \"<pad>\" is not in the learned vocabulary")]
    public void Invalid_options_are_rejected_before_anything_is_written(int maxLength, string pad, string message)
    {
        var options = new BpeTokenizerFileOptions { ModelMaxLength = maxLength, PadToken = pad };

        var error = Assert.Throws<ArgumentException>(() => BpeTokenizerFiles.Write(directory.File("tokenizer"), Learned, options));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Empty(directory.FileNames());
    }
}
