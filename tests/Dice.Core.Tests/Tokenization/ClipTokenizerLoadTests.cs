using Dice.Core.Tokenization;

namespace Dice.Core.Tests.Tokenization;

/// <summary>Reading tokenizer folders: settings from the config files, and errors that name the file.</summary>
public sealed class ClipTokenizerLoadTests
{
    [Fact]
    public void Without_config_files_the_clip_defaults_apply()
    {
        using var directory = new TempDirectory();
        ClipFiles.CopyVocabularyAndMerges(directory);

        var tokenizer = ClipTokenizer.Load(directory.Path);

        Assert.Equal(ClipFiles.Id("<|startoftext|>"), tokenizer.BosId);
        Assert.Equal(ClipFiles.Id("<|endoftext|>"), tokenizer.EosId);
        Assert.Equal(tokenizer.EosId, tokenizer.PadId);
        Assert.Equal(77, tokenizer.MaxLength);
        Assert.Equal(ClipFiles.Tokenizer.Tokenize("a photo of a cat"), tokenizer.Tokenize("a photo of a cat"));
    }

    [Fact]
    public void A_pad_token_other_than_eos_is_honoured()
    {
        using var directory = new TempDirectory();
        ClipFiles.CopyVocabularyAndMerges(directory);
        File.WriteAllText(directory.File("tokenizer_config.json"), """{ "pad_token": "!", "model_max_length": 77 }""");

        var tokenizer = ClipTokenizer.Load(directory.Path);
        var ids = tokenizer.Tokenize("a photo of a cat");

        var pad = ClipFiles.Id("!");
        Assert.Equal(pad, tokenizer.PadId);
        Assert.NotEqual(tokenizer.EosId, pad);
        Assert.Equal([tokenizer.BosId, 320, 1125, 539, 320, 2368, tokenizer.EosId], ids[..7]);
        Assert.All(ids[7..], id => Assert.Equal(pad, id));
    }

    [Fact]
    public void A_pad_token_written_as_an_added_token_object_is_honoured()
    {
        using var directory = new TempDirectory();
        ClipFiles.CopyVocabularyAndMerges(directory);
        File.WriteAllText(directory.File("special_tokens_map.json"), """{ "pad_token": { "content": "!", "lstrip": false, "__type": "AddedToken" } }""");

        Assert.Equal(ClipFiles.Id("!"), ClipTokenizer.Load(directory.Path).PadId);
    }

    [Fact]
    public void Tokenizer_config_wins_over_special_tokens_map()
    {
        using var directory = new TempDirectory();
        ClipFiles.CopyVocabularyAndMerges(directory);
        File.WriteAllText(directory.File("special_tokens_map.json"), """{ "pad_token": "!" }""");
        File.WriteAllText(directory.File("tokenizer_config.json"), """{ "pad_token": "\"" }""");

        Assert.Equal(ClipFiles.Id("\""), ClipTokenizer.Load(directory.Path).PadId);
    }

    [Theory]
    [InlineData(74, false)]
    [InlineData(75, false)]
    [InlineData(76, true)]
    public void Truncation_keeps_max_length_minus_two_ids(int words, bool truncated)
    {
        using var directory = new TempDirectory();
        ClipFiles.CopyVocabularyAndMerges(directory);
        File.WriteAllText(directory.File("tokenizer_config.json"), """{ "pad_token": "!" }""");
        var tokenizer = ClipTokenizer.Load(directory.Path);
        var cat = ClipFiles.Id("cat</w>");

        var ids = tokenizer.Tokenize(string.Join(' ', Enumerable.Repeat("cat", words)));

        var kept = Math.Min(words, 75);
        Assert.Equal(77, ids.Length);
        Assert.All(ids[1..(kept + 1)], id => Assert.Equal(cat, id));
        Assert.Equal(tokenizer.EosId, ids[kept + 1]);
        Assert.All(ids[(kept + 2)..], id => Assert.Equal(tokenizer.PadId, id));
        Assert.Equal(truncated, words > kept);
    }

    [Fact]
    public void Model_max_length_sets_the_sequence_length()
    {
        using var directory = new TempDirectory();
        ClipFiles.CopyVocabularyAndMerges(directory);
        File.WriteAllText(directory.File("tokenizer_config.json"), """{ "model_max_length": 5 }""");
        var tokenizer = ClipTokenizer.Load(directory.Path);

        Assert.Equal(5, tokenizer.MaxLength);
        Assert.Equal([49406, 320, 1125, 539, 49407], tokenizer.Tokenize("a photo of a cat"));
        Assert.Equal([49406, 320, 49407, 49407, 49407], tokenizer.Tokenize("a"));
    }

    [Fact]
    public void The_no_limit_sentinel_for_model_max_length_falls_back_to_77()
    {
        using var directory = new TempDirectory();
        ClipFiles.CopyVocabularyAndMerges(directory);
        File.WriteAllText(directory.File("tokenizer_config.json"), """{ "model_max_length": 1000000000000000019884624838656 }""");

        Assert.Equal(77, ClipTokenizer.Load(directory.Path).MaxLength);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("\"77\"")]
    [InlineData("7.5")]
    public void A_bad_model_max_length_is_an_error_naming_the_config(string value)
    {
        using var directory = new TempDirectory();
        ClipFiles.CopyVocabularyAndMerges(directory);
        File.WriteAllText(directory.File("tokenizer_config.json"), $$"""{ "model_max_length": {{value}} }""");

        var error = Assert.Throws<InvalidDataException>(() => ClipTokenizer.Load(directory.Path));
        Assert.Contains(directory.File("tokenizer_config.json"), error.Message, StringComparison.Ordinal);
        Assert.Contains("model_max_length", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_folder_is_an_error_naming_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), "dice-no-such-tokenizer-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<DirectoryNotFoundException>(() => ClipTokenizer.Load(missing));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vocab.json")]
    [InlineData("merges.txt")]
    public void A_missing_file_is_an_error_naming_it(string name)
    {
        using var directory = new TempDirectory();
        ClipFiles.CopyVocabularyAndMerges(directory);
        File.Delete(directory.File(name));

        var error = Assert.Throws<FileNotFoundException>(() => ClipTokenizer.Load(directory.Path));
        Assert.Equal(directory.File(name), error.FileName);
        Assert.Contains(directory.File(name), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vocab.json")]
    [InlineData("tokenizer_config.json")]
    [InlineData("special_tokens_map.json")]
    public void Invalid_json_is_an_error_naming_the_file(string name)
    {
        using var directory = new TempDirectory();
        ClipFiles.CopyVocabularyAndMerges(directory);
        File.WriteAllText(directory.File(name), """{ "a": 1, """);

        var error = Assert.Throws<InvalidDataException>(() => ClipTokenizer.Load(directory.Path));
        Assert.Contains(directory.File(name), error.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""["a", "b"]""")]
    [InlineData("""{ "a": "zero" }""")]
    [InlineData("""{ "a": -1 }""")]
    [InlineData("""{ "a": 0, "b": 0 }""")]
    public void A_vocabulary_that_is_not_tokens_to_distinct_ids_is_an_error_naming_vocab_json(string json)
    {
        using var directory = new TempDirectory();
        ClipFiles.CopyVocabularyAndMerges(directory);
        File.WriteAllText(directory.File("vocab.json"), json);

        var error = Assert.Throws<InvalidDataException>(() => ClipTokenizer.Load(directory.Path));
        Assert.Contains(directory.File("vocab.json"), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a b c")]
    [InlineData("ab")]
    [InlineData("a  b")]
    [InlineData(" a")]
    public void A_merges_line_that_is_not_two_symbols_is_an_error_naming_the_line(string line)
    {
        using var directory = new TempDirectory();
        ClipFiles.WriteTiny(directory, ["a", "b", "ab", "b</w>", "ab</w>"], ["a b", line]);

        var error = Assert.Throws<InvalidDataException>(() => ClipTokenizer.Load(directory.Path));
        Assert.Contains(directory.File("merges.txt") + " line 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("two symbols", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_merge_of_symbols_missing_from_the_vocabulary_is_an_error_naming_both_files()
    {
        using var directory = new TempDirectory();
        ClipFiles.WriteTiny(directory, ["a", "b", "ab"], ["a b", "ab b</w>"]);

        var error = Assert.Throws<InvalidDataException>(() => ClipTokenizer.Load(directory.Path));
        Assert.Contains(directory.File("merges.txt") + " line 3", error.Message, StringComparison.Ordinal);
        Assert.Contains(directory.File("vocab.json"), error.Message, StringComparison.Ordinal);
        Assert.Contains("\"b</w>\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tokenizer_config.json", "bos_token")]
    [InlineData("tokenizer_config.json", "eos_token")]
    [InlineData("special_tokens_map.json", "pad_token")]
    [InlineData("special_tokens_map.json", "unk_token")]
    public void A_special_token_missing_from_the_vocabulary_is_an_error_naming_the_files(string file, string name)
    {
        using var directory = new TempDirectory();
        ClipFiles.CopyVocabularyAndMerges(directory);
        File.WriteAllText(directory.File(file), $$"""{ "{{name}}": "<|no such token|>" }""");

        var error = Assert.Throws<InvalidDataException>(() => ClipTokenizer.Load(directory.Path));
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Contains("<|no such token|>", error.Message, StringComparison.Ordinal);
        Assert.Contains(directory.File(file), error.Message, StringComparison.Ordinal);
        Assert.Contains(directory.File("vocab.json"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_vocabulary_without_the_default_special_tokens_is_an_error_naming_vocab_json()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("vocab.json"), """{ "a": 0, "a</w>": 1 }""");
        File.WriteAllText(directory.File("merges.txt"), "#version: 0.2\n");

        var error = Assert.Throws<InvalidDataException>(() => ClipTokenizer.Load(directory.Path));
        Assert.Contains("bos_token \"<|startoftext|>\"", error.Message, StringComparison.Ordinal);
        Assert.Contains(directory.File("vocab.json"), error.Message, StringComparison.Ordinal);
    }
}
