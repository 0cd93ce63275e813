using System.Text;
using Dice.Tests.Shared.Fuzzing;

namespace Dice.Safetensors.Tests;

/// <summary>
/// Seeded fuzzing of the safetensors reader and the sharded index: every mutated file parses (and then every tensor
/// reads) or is refused with a <see cref="SafetensorsFormatException"/>, the one type the reader documents.
/// </summary>
public class SafetensorsFuzzTests
{
    public const int Iterations = 4000;

    [Fact]
    public void Mutated_safetensors_files_parse_or_are_refused_with_a_format_exception()
    {
        var sample = Sample();
        var outcome = FuzzLoop.Run("SafetensorsFile.Parse", Iterations, (seed, i) => ByteMutator.Mutate(sample, seed, i), bytes =>
        {
            using var file = SafetensorsFile.Parse(bytes, "fuzz.safetensors");
            foreach (var tensor in file.Tensors)
            {
                var span = file.GetSpan(tensor);
                Assert.Equal(tensor.ByteLength, span.Length);
                if (tensor.DType is SafetensorsDType.Float32 or SafetensorsDType.Float16 or SafetensorsDType.BFloat16)
                {
                    Assert.Equal(tensor.ElementCount, file.ReadFloat32(tensor.Name).LongLength);
                }
            }
        }, typeof(SafetensorsFormatException));

        // The sample itself parses, and the mutations reach both outcomes.
        SafetensorsFile.Parse(sample).Dispose();
        Assert.True(outcome.Refused > Iterations / 2, $"only {outcome.Refused} of {Iterations} mutated files were refused");
        Assert.True(outcome.Parsed > 0, "no mutated file parsed: the mutations never leave the header's checks");
    }

    [Fact]
    public void Files_with_mutated_header_JSON_parse_or_are_refused_with_a_format_exception()
    {
        const string header = """
            {"__metadata__": {"format": "pt"}, "w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
             "h": {"dtype": "F16", "shape": [1, 2], "data_offsets": [8, 12]}}
            """;
        var data = RawFile.Sequence(12);
        var outcome = FuzzLoop.Run("SafetensorsFile.Parse (header JSON)", Iterations,
            (seed, i) => RawFile.Build(Encoding.UTF8.GetString(TextMutator.Mutate(header, seed, i)), data),
            bytes => SafetensorsFile.Parse(bytes, "fuzz.safetensors").Dispose(), typeof(SafetensorsFormatException));

        Assert.Equal(2, SafetensorsFile.Parse(RawFile.Build(header, data)).Tensors.Count);
        Assert.True(outcome.Refused > 0 && outcome.Parsed > 0, $"{outcome}: the mutations should reach both outcomes");
    }

    [Fact]
    public void Mutated_shard_indexes_parse_or_are_refused_with_a_format_exception()
    {
        const string index = """
            {"metadata": {"total_size": 24},
             "weight_map": {"a.weight": "model-00001-of-00002.safetensors", "b.bias": "model-00002-of-00002.safetensors"}}
            """;
        var outcome = FuzzLoop.Run("SafetensorsIndex.Parse", Iterations, (seed, i) => TextMutator.Mutate(index, seed, i),
            bytes => Assert.NotEmpty(SafetensorsIndex.Parse(bytes, "fuzz.index.json").ShardFiles), typeof(SafetensorsFormatException));

        Assert.Equal(2, SafetensorsIndex.Parse(Encoding.UTF8.GetBytes(index)).ShardFiles.Count);
        Assert.True(outcome.Refused > 0 && outcome.Parsed > 0, $"{outcome}: the mutations should reach both outcomes");
    }

    [Fact]
    public void An_index_with_invalid_UTF_8_inside_a_string_is_refused_as_a_format_exception()
    {
        // Found by the fuzzer: JsonDocument accepts the bytes and throws InvalidOperationException only when the string is read.
        byte[] index = [.. "{\"weight_map\": {\"a\": \"x"u8, 0xFF, .. ".safetensors\"}}"u8];

        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsIndex.Parse(index, "bad.index.json"));

        Assert.Contains("not valid UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    // Found by the fuzzer: JsonDocument reads a lone surrogate escape and throws InvalidOperationException only when the
    // string is read, as a tensor name or a metadata value.
    [InlineData("{\"\\ud800\": {\"dtype\": \"F32\", \"shape\": [0], \"data_offsets\": [0, 0]}}")]
    [InlineData("{\"__metadata__\": {\"format\": \"\\udc00\"}}")]
    public void A_header_string_that_is_not_valid_Unicode_is_refused_as_a_format_exception(string header)
    {
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Parse(RawFile.Build(header, []), "bad.safetensors"));

        Assert.Contains("not valid Unicode", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Three tensors of different dtypes, with metadata, as the writer lays them out.</summary>
    private static byte[] Sample()
    {
        var writer = new SafetensorsWriter();
        writer.Metadata["format"] = "pt";
        writer.AddFloat32("w", [2, 3], [1, 2, 3, 4, 5, 6]);
        writer.AddFloat16("h", [3], [0.5f, -1, 2]);
        writer.Add("i", SafetensorsDType.Int64, [2], new byte[16]);
        using var stream = new MemoryStream();
        writer.WriteTo(stream);
        return stream.ToArray();
    }
}
