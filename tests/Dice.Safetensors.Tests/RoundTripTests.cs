namespace Dice.Safetensors.Tests;

public class RoundTripTests
{
    public static TheoryData<bool> ReadFromMappedFile => new() { true, false };

    private static readonly (string Name, SafetensorsDType DType, long[] Shape)[] Cases =
    [
        ("bool", SafetensorsDType.Bool, [2, 2]),
        ("u8.scalar", SafetensorsDType.UInt8, []),
        ("i8", SafetensorsDType.Int8, [3]),
        ("i16.empty", SafetensorsDType.Int16, [2, 0]),
        ("u16", SafetensorsDType.UInt16, [1]),
        ("i32", SafetensorsDType.Int32, [2, 3]),
        ("u32", SafetensorsDType.UInt32, [2]),
        ("i64", SafetensorsDType.Int64, [1, 1]),
        ("u64", SafetensorsDType.UInt64, [2]),
        ("f16", SafetensorsDType.Float16, [3]),
        ("bf16", SafetensorsDType.BFloat16, [3]),
        ("f32.scalar", SafetensorsDType.Float32, []),
        ("f64", SafetensorsDType.Float64, [2, 1, 1]),
        ("f8e4m3", SafetensorsDType.Float8E4M3, [4]),
        ("f8e5m2.empty", SafetensorsDType.Float8E5M2, [0]),
    ];

    [Theory]
    [MemberData(nameof(ReadFromMappedFile))]
    public void Every_dtype_and_shape_reads_back_with_identical_bytes_and_metadata(bool mapped)
    {
        var random = new Random(1234);
        var writer = new SafetensorsWriter();
        var expectedData = new Dictionary<string, byte[]>();
        foreach (var (name, dtype, shape) in Cases)
        {
            var elements = shape.Aggregate(1L, (a, b) => a * b);
            var data = new byte[elements * dtype.SizeInBytes()];
            random.NextBytes(data);
            writer.Add(name, dtype, shape, data);
            expectedData[name] = data;
        }
        writer.Metadata["format"] = "pt";
        writer.Metadata["note"] = "ünïcødé & <symbols> \"quoted\"";

        using var directory = new TempDirectory();
        var path = directory.File("all.safetensors");
        writer.Write(path);
        using var file = mapped ? SafetensorsFile.Open(path) : SafetensorsFile.Parse(File.ReadAllBytes(path));

        Assert.Equal(Cases.Select(c => c.Name).Order(StringComparer.Ordinal), file.Tensors.Select(t => t.Name));
        foreach (var (name, dtype, shape) in Cases)
        {
            Assert.True(file.TryGetTensor(name, out var tensor), name);
            Assert.Equal(dtype, tensor.DType);
            Assert.Equal(shape, tensor.Shape);
            Assert.Equal(shape.Aggregate(1L, (a, b) => a * b), tensor.ElementCount);
            Assert.Equal(expectedData[name].Length, tensor.ByteLength);
            Assert.Equal(expectedData[name], file.GetSpan(name).ToArray());
            Assert.Equal(expectedData[name], file.ReadBytes(name));
        }
        Assert.Equal(writer.Metadata.OrderBy(e => e.Key), file.Metadata.OrderBy(e => e.Key));
        Assert.Equal(0, file.Header.DataStart % 8);
    }

    [Fact]
    public void Tensors_are_listed_in_data_order()
    {
        // Hand-made file whose data order differs from name order.
        var json = """{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]},"b":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}""";
        using var file = SafetensorsFile.Parse(RawFile.Build(json, [10, 20]));

        Assert.Equal(["b", "a"], file.Tensors.Select(t => t.Name));
        Assert.Equal([20], file.ReadBytes("a"));
    }

    [Fact]
    public void ReadFloat32_converts_every_float_dtype()
    {
        float[] values = [1.5f, -2.25f, 0f, 1024f];
        var writer = new SafetensorsWriter();
        writer.AddFloat32("f32", [2, 2], values);
        writer.AddFloat16("f16", [2, 2], values);
        writer.AddBFloat16("bf16", [2, 2], values);
        writer.Add("f64", SafetensorsDType.Float64, [4], values.SelectMany(v => BitConverter.GetBytes((double)v)).ToArray());

        using var directory = new TempDirectory();
        writer.Write(directory.File("f.safetensors"));
        using var file = SafetensorsFile.Open(directory.File("f.safetensors"));

        foreach (var name in new[] { "f32", "f16", "bf16", "f64" })
        {
            Assert.Equal(values, file.ReadFloat32(name));
            var destination = new float[4];
            file.ReadFloat32(name, destination);
            Assert.Equal(values, destination);
        }
    }

    [Fact]
    public void ReadFloat32_refuses_integer_tensors_and_wrong_sized_destinations()
    {
        var writer = new SafetensorsWriter();
        writer.Add("ints", SafetensorsDType.Int32, [1], new byte[4]);
        writer.AddFloat32("floats", [2], [1, 2]);
        using var file = SafetensorsFile.Parse(writer.ToArray(), "mem");

        var ex = Assert.Throws<NotSupportedException>(() => file.ReadFloat32("ints"));
        Assert.Contains("'ints' is I32", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => file.ReadFloat32("floats", new float[3]));
    }

    [Fact]
    public void Unknown_tensor_names_are_reported()
    {
        using var file = SafetensorsFile.Parse(new SafetensorsWriter().ToArray(), "empty.safetensors");

        Assert.False(file.TryGetTensor("missing", out _));
        var ex = Assert.Throws<KeyNotFoundException>(() => file.GetSpan("missing"));
        Assert.Contains("empty.safetensors", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'missing'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Spans_are_refused_after_dispose_and_for_other_files_tensors()
    {
        var writer = new SafetensorsWriter();
        writer.AddFloat32("w", [1], [1]);
        var bytes = writer.ToArray();
        using var directory = new TempDirectory();
        writer.Write(directory.File("w.safetensors"));

        using var other = SafetensorsFile.Parse(bytes);
        var file = SafetensorsFile.Open(directory.File("w.safetensors"));
        Assert.Throws<ArgumentException>(() => file.GetSpan(other.GetTensor("w")));
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.GetSpan("w"));
    }

    [Fact]
    public void Stream_input_reads_like_a_file()
    {
        var writer = new SafetensorsWriter();
        writer.AddFloat32("w", [2], [3, 4]);
        using var stream = new MemoryStream(writer.ToArray());

        using var file = SafetensorsFile.Load(stream);

        Assert.Equal([3f, 4f], file.ReadFloat32("w"));
    }
}
