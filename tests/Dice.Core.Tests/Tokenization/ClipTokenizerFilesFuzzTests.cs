using Dice.Core.Tokenization;
using Dice.Tests.Shared.Fuzzing;

namespace Dice.Core.Tests.Tokenization;

/// <summary>
/// Seeded fuzzing of a tokenizer folder (vocab.json, merges.txt, tokenizer_config.json): with one file mutated, the
/// folder loads and tokenizes a prompt to exactly model_max_length ids, or is refused with an
/// <see cref="InvalidDataException"/> naming the file, the one type ClipTokenizer.Load documents for a bad file.
/// </summary>
public class ClipTokenizerFilesFuzzTests
{
    public const int Iterations = 1000;

    private static readonly string[] Symbols = ["a", "b", "a</w>", "b</w>", "ab", "ab</w>", "!", "!</w>"];

    [Theory]
    [InlineData("vocab.json")]
    [InlineData("merges.txt")]
    [InlineData("tokenizer_config.json")]
    public void A_tokenizer_folder_with_a_mutated_file_loads_or_is_refused_with_invalid_data(string file)
    {
        using var directory = new TempDirectory();
        ClipFiles.WriteTiny(directory, Symbols, ["a b", "a b</w>"]);
        File.WriteAllText(directory.File("tokenizer_config.json"),
            """{"bos_token": {"content": "<|startoftext|>"}, "eos_token": "<|endoftext|>", "pad_token": "!", "unk_token": "<|endoftext|>", "model_max_length": 8}""");
        var sample = File.ReadAllText(directory.File(file));
        Assert.Equal(8, ClipTokenizer.Load(directory.Path).Tokenize("ab ba").Length);

        var outcome = FuzzLoop.Run($"ClipTokenizer.Load ({file})", Iterations, (seed, i) => TextMutator.Mutate(sample, seed, i), bytes =>
        {
            File.WriteAllBytes(directory.File(file), bytes);
            var tokenizer = ClipTokenizer.Load(directory.Path);
            Assert.Equal(tokenizer.MaxLength, tokenizer.Tokenize("ab ba!").Length);
        }, typeof(InvalidDataException));

        Assert.True(outcome.Refused > 0 && outcome.Parsed > 0, $"{outcome}: the mutations should reach both outcomes");
    }

    [Theory]
    // Found by the fuzzer: JsonDocument accepts invalid UTF-8 and lone surrogate escapes inside strings, and throws
    // InvalidOperationException only when the string is read.
    [InlineData("vocab.json", new byte[] { (byte)'{', (byte)'"', 0xFF, (byte)'"', (byte)':', (byte)'0', (byte)'}' })]
    [InlineData("vocab.json", new byte[] { (byte)'{', (byte)'"', (byte)'\\', (byte)'u', (byte)'d', (byte)'8', (byte)'0', (byte)'0', (byte)'"', (byte)':', (byte)'0', (byte)'}' })]
    [InlineData("tokenizer_config.json", new byte[] { (byte)'{', (byte)'"', (byte)'p', (byte)'a', (byte)'d', (byte)'_', (byte)'t', (byte)'o', (byte)'k', (byte)'e', (byte)'n', (byte)'"', (byte)':', (byte)'"', 0xFF, (byte)'"', (byte)'}' })]
    public void A_file_with_a_string_that_is_not_valid_Unicode_is_refused_with_invalid_data(string file, byte[] contents)
    {
        using var directory = new TempDirectory();
        ClipFiles.WriteTiny(directory, Symbols, ["a b"]);
        File.WriteAllBytes(directory.File(file), contents);

        var e = Assert.Throws<InvalidDataException>(() => ClipTokenizer.Load(directory.Path));

        Assert.Contains(directory.File(file), e.Message, StringComparison.Ordinal);
    }
}
