using System.Text;

namespace Dice.Safetensors.Tests;

public class SafetensorsHeaderTests
{
    private static SafetensorsHeader Parse(string json, long dataLength) =>
        SafetensorsHeader.Parse(Encoding.UTF8.GetBytes(json), dataLength, "test.safetensors");

    private static SafetensorsFormatException Rejects(string json, long dataLength) =>
        Assert.Throws<SafetensorsFormatException>(() => Parse(json, dataLength));

    [Fact]
    public void Accepts_metadata_scalars_zero_sized_tensors_and_space_padding()
    {
        var header = Parse("""
            {"__metadata__":{"format":"pt"},
             "scalar":{"dtype":"F32","shape":[],"data_offsets":[0,4]},
             "empty":{"dtype":"F16","shape":[3,0],"data_offsets":[4,4]},
             "bytes":{"dtype":"U8","shape":[2],"data_offsets":[4,6]}}
            """ + "     ", 6);

        Assert.Equal("pt", header.Metadata["format"]);
        Assert.Equal(["scalar", "empty", "bytes"], header.Tensors.Select(t => t.Name));
        Assert.True(header.TryGetTensor("scalar", out var scalar));
        Assert.Empty(scalar.Shape);
        Assert.Equal(1, scalar.ElementCount);
        Assert.True(header.TryGetTensor("empty", out var empty));
        Assert.Equal([3L, 0L], empty.Shape);
        Assert.Equal(0, empty.ElementCount);
        Assert.Equal(6, header.DataLength);
    }

    [Fact]
    public void Accepts_a_header_without_tensors_or_metadata()
    {
        var header = Parse("{}", 0);

        Assert.Empty(header.Tensors);
        Assert.Empty(header.Metadata);
    }

    [Fact]
    public void Rejects_invalid_json()
    {
        var ex = Rejects("""{"a":{"dtype":"F32",""", 0);

        Assert.Contains("test.safetensors", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_trailing_garbage_after_the_json()
    {
        var ex = Rejects("{}  x", 0);

        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(" {}")]
    [InlineData("[]")]
    [InlineData("")]
    public void Rejects_a_header_not_starting_with_a_brace(string json)
    {
        var ex = Rejects(json, 0);

        Assert.Contains("does not start with '{'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_invalid_utf8()
    {
        byte[] json = [(byte)'{', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)':', (byte)'1', (byte)'}'];

        var ex = Assert.Throws<SafetensorsFormatException>(() => SafetensorsHeader.Parse(json, 0));
        Assert.Contains("not valid UTF-8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_an_unknown_dtype_naming_the_tensor()
    {
        var ex = Rejects("""{"w":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}""", 16);

        Assert.Equal("w", ex.TensorName);
        Assert.Contains("tensor 'w'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unknown dtype \"F128\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_offsets_beyond_the_data_buffer_as_truncation()
    {
        var ex = Rejects("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}""", 10);

        Assert.Contains("tensor 'w'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("file is truncated: header says 12 bytes of data, file holds 10", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_end_before_begin()
    {
        var ex = Rejects("""{"w":{"dtype":"U8","shape":[0],"data_offsets":[4,2]}}""", 4);

        Assert.Contains("[4, 2] end before they begin", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_a_size_that_does_not_match_the_shape()
    {
        var ex = Rejects("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8);

        Assert.Contains("tensor 'w'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("span 8 bytes, but shape [3] of F32 needs 12 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_overlapping_tensors_naming_both()
    {
        var ex = Rejects("""
            {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
             "b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}
            """, 12);

        Assert.Contains("tensor 'b'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("overlap tensor 'a'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_a_hole_between_tensors()
    {
        var ex = Rejects("""
            {"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},
             "b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}
            """, 12);

        Assert.Contains("hole", ex.Message, StringComparison.Ordinal);
        Assert.Contains("bytes [4, 8)", ex.Message, StringComparison.Ordinal);
        Assert.Equal("b", ex.TensorName);
    }

    [Fact]
    public void Rejects_a_hole_at_the_start()
    {
        var ex = Rejects("""{"a":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}""", 4);

        Assert.Contains("bytes [0, 2)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_unclaimed_bytes_at_the_end_of_the_buffer()
    {
        var ex = Rejects("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 8);

        Assert.Contains("hole", ex.Message, StringComparison.Ordinal);
        Assert.Contains("last 4 bytes belong to no tensor", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_a_tensor_listed_twice()
    {
        var ex = Rejects("""
            {"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},
             "a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}
            """, 2);

        Assert.Contains("tensor 'a'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("more than once", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"w":{"dtype":"U8","shape":[-1],"data_offsets":[0,0]}}""", "non-negative integers, found -1")]
    [InlineData("""{"w":{"dtype":"U8","shape":[1.5],"data_offsets":[0,0]}}""", "non-negative integers, found 1.5")]
    [InlineData("""{"w":{"dtype":"U8","shape":[1]}}""", "no \"data_offsets\" field")]
    [InlineData("""{"w":{"dtype":"U8","shape":[1],"data_offsets":[0]}}""", "exactly two numbers")]
    [InlineData("""{"w":{"dtype":8,"shape":[1],"data_offsets":[0,1]}}""", "\"dtype\" must be a string")]
    [InlineData("""{"w":[]}""", "must be an object")]
    [InlineData("""{"__metadata__":{"k":1}}""", "entry 'k' must be a string")]
    [InlineData("""{"w":{"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,0]}}""", "too large")]
    public void Rejects_malformed_entries(string json, string expected)
    {
        var ex = Rejects(json, 0);

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
