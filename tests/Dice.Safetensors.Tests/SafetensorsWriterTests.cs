using System.Buffers.Binary;
using System.Text;

namespace Dice.Safetensors.Tests;

public class SafetensorsWriterTests
{
    [Fact]
    public void Writes_the_layout_the_format_describes_byte_for_byte()
    {
        var writer = new SafetensorsWriter();
        writer.AddFloat32("weight", [2], [1.0f, -2.0f]);
        writer.Add("bias", SafetensorsDType.UInt8, [3], new byte[] { 7, 8, 9 });
        writer.Metadata["format"] = "pt";

        var json = """{"__metadata__":{"format":"pt"},"bias":{"dtype":"U8","shape":[3],"data_offsets":[0,3]},"weight":{"dtype":"F32","shape":[2],"data_offsets":[3,11]}}""";
        var jsonBytes = Encoding.UTF8.GetBytes(json);
        var headerLength = (jsonBytes.Length + 7) / 8 * 8;
        var expected = new List<byte>();
        var prefix = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)headerLength);
        expected.AddRange(prefix);
        expected.AddRange(jsonBytes);
        expected.AddRange(Enumerable.Repeat((byte)' ', headerLength - jsonBytes.Length));
        expected.AddRange([7, 8, 9]);
        expected.AddRange([0x00, 0x00, 0x80, 0x3F]); // 1.0f little-endian
        expected.AddRange([0x00, 0x00, 0x00, 0xC0]); // -2.0f little-endian

        var actual = writer.ToArray();

        Assert.Equal(expected.ToArray(), actual);
        Assert.Equal(0, (8 + headerLength) % 8);
        Assert.NotEqual(jsonBytes.Length, headerLength); // this case really exercises padding
    }

    [Fact]
    public void Writes_an_empty_checkpoint_as_an_aligned_empty_object()
    {
        var bytes = new SafetensorsWriter().ToArray();

        Assert.Equal(RawFile.Build("{}      ", []), bytes);
    }

    [Fact]
    public void Same_tensors_added_in_different_order_give_identical_bytes()
    {
        var first = new SafetensorsWriter();
        first.AddFloat32("b", [2], [1, 2]);
        first.Add("a", SafetensorsDType.Int64, [1], RawFile.Sequence(8));
        first.AddBFloat16("c.d", [1, 1], [3]);
        first.Metadata["x"] = "1";
        first.Metadata["y"] = "2";

        var second = new SafetensorsWriter();
        second.Metadata["y"] = "2";
        second.Metadata["x"] = "1";
        second.AddBFloat16("c.d", [1, 1], [3]);
        second.Add("a", SafetensorsDType.Int64, [1], RawFile.Sequence(8));
        second.AddFloat32("b", [2], [1, 2]);

        using var directory = new TempDirectory();
        first.Write(directory.File("first.safetensors"));
        second.Write(directory.File("second.safetensors"));

        Assert.Equal(first.ToArray(), second.ToArray());
        Assert.Equal(File.ReadAllBytes(directory.File("first.safetensors")), File.ReadAllBytes(directory.File("second.safetensors")));
        Assert.Equal(first.ToArray(), File.ReadAllBytes(directory.File("first.safetensors")));
    }

    [Fact]
    public void Rejects_a_duplicate_name()
    {
        var writer = new SafetensorsWriter();
        writer.AddFloat32("w", [1], [1]);

        var ex = Assert.Throws<ArgumentException>(() => writer.AddFloat32("w", [1], [2]));
        Assert.Contains("'w' was already added", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, writer.Count);
    }

    [Fact]
    public void Rejects_empty_and_reserved_names()
    {
        var writer = new SafetensorsWriter();

        Assert.Throws<ArgumentException>(() => writer.AddFloat32("", [1], [1]));
        var reserved = Assert.Throws<ArgumentException>(() => writer.AddFloat32("__metadata__", [1], [1]));
        Assert.Contains("reserved", reserved.Message, StringComparison.Ordinal);
        Assert.Equal(0, writer.Count);
    }

    [Fact]
    public void Rejects_data_whose_length_does_not_match_the_shape()
    {
        var writer = new SafetensorsWriter();

        var ex = Assert.Throws<ArgumentException>(() => writer.Add("w", SafetensorsDType.Float32, [2, 3], new byte[20]));
        Assert.Contains("'w'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("needs 24 bytes, data holds 20", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_float_values_whose_count_does_not_match_the_shape()
    {
        var writer = new SafetensorsWriter();

        var ex = Assert.Throws<ArgumentException>(() => writer.AddFloat16("w", [2, 2], [1, 2, 3]));
        Assert.Contains("4 elements, values holds 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_a_negative_dimension()
    {
        var writer = new SafetensorsWriter();

        var ex = Assert.Throws<ArgumentException>(() => writer.Add("w", SafetensorsDType.UInt8, [2, -1], []));
        Assert.Contains("negative", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_a_data_source_that_returns_the_wrong_length()
    {
        var writer = new SafetensorsWriter();
        writer.Add("w", SafetensorsDType.Float32, [2], () => new byte[4]);

        var ex = Assert.Throws<InvalidOperationException>(writer.ToArray);
        Assert.Contains("'w' returned 4 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fetches_deferred_data_when_writing()
    {
        var calls = 0;
        var writer = new SafetensorsWriter();
        writer.Add("w", SafetensorsDType.UInt8, [3], () =>
        {
            calls++;
            return new byte[] { 4, 5, 6 };
        });
        Assert.Equal(0, calls);

        using var file = SafetensorsFile.Parse(writer.ToArray());

        Assert.Equal(1, calls);
        Assert.Equal(new byte[] { 4, 5, 6 }, file.ReadBytes("w"));
    }
}
