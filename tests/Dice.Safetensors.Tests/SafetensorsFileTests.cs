using System.Text;

namespace Dice.Safetensors.Tests;

public class SafetensorsFileTests
{
    private const string OneTensor = """{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";

    public static TheoryData<string, byte[], string> BadFiles => new()
    {
        { "empty", [], "too few for the 8-byte header length prefix" },
        { "short", [1, 0, 0], "too few for the 8-byte header length prefix" },
        { "truncated data", RawFile.Build(OneTensor, RawFile.Sequence(8))[..^1], "file is truncated: header says 8 bytes of data, file holds 7" },
        { "header beyond file", RawFile.Build(OneTensor, RawFile.Sequence(8), headerLengthOverride: 5000), "file is truncated: header length prefix says 5,000 bytes of header" },
        { "header over limit", RawFile.Build(OneTensor, RawFile.Sequence(8), headerLengthOverride: 100_000_001), "more than the 100,000,000-byte limit" },
        { "invalid json", RawFile.Build("{\"w\":", []), "not valid JSON" },
        { "not an object", RawFile.Build("\"w\"", []), "does not start with '{'" },
        { "unknown dtype", RawFile.Build("""{"w":{"dtype":"X9","shape":[2],"data_offsets":[0,8]}}""", RawFile.Sequence(8)), "unknown dtype \"X9\"" },
        { "out of range", RawFile.Build("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", RawFile.Sequence(8)), "file is truncated" },
        { "overlap", RawFile.Build("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}""", RawFile.Sequence(6)), "overlap tensor 'a'" },
        { "hole", RawFile.Build("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", RawFile.Sequence(6)), "last 2 bytes belong to no tensor" },
        { "size mismatch", RawFile.Build("""{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,8]}}""", RawFile.Sequence(8)), "needs 4 bytes" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Opening_a_bad_file_names_it_and_the_problem_and_leaves_no_handle_open(string caseName, byte[] bytes, string expected)
    {
        using var directory = new TempDirectory();
        var path = directory.File(caseName.Replace(' ', '-') + ".safetensors");
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Equal(path, ex.FilePath);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        if (OpenHandles.CanInspect)
        {
            Assert.Equal(0, OpenHandles.Count(path));
        }
        File.Delete(path);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void The_same_bad_bytes_are_rejected_in_memory_too()
    {
        var bytes = RawFile.Build(OneTensor, RawFile.Sequence(8))[..^1];

        var ex = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Parse(bytes, "in-memory"));

        Assert.StartsWith("in-memory: tensor 'w': ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_open_file_is_mapped_and_dispose_releases_it()
    {
        using var directory = new TempDirectory();
        var path = directory.File("ok.safetensors");
        File.WriteAllBytes(path, RawFile.Build(OneTensor, RawFile.Sequence(8)));

        var file = SafetensorsFile.Open(path);
        var whileOpen = OpenHandles.CanInspect ? OpenHandles.Count(path) : 1;
        file.Dispose();

        Assert.True(whileOpen > 0, "the handle check cannot see an open file, so it proves nothing");
        if (OpenHandles.CanInspect)
        {
            Assert.Equal(0, OpenHandles.Count(path));
        }
        File.Delete(path);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Reads_a_hand_built_padded_file_with_metadata()
    {
        using var directory = new TempDirectory();
        var path = directory.File("hand.safetensors");
        var json = """{"__metadata__":{"a":"b"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}   """;
        var data = BitConverter.GetBytes(0.25f).Concat(BitConverter.GetBytes(-8f)).ToArray();
        File.WriteAllBytes(path, RawFile.Build(json, data));

        using var file = SafetensorsFile.Open(path);

        Assert.Equal(8 + Encoding.UTF8.GetByteCount(json), file.Header.DataStart);
        Assert.Equal("b", file.Metadata["a"]);
        Assert.Equal([0.25f, -8f], file.ReadFloat32("w"));
        Assert.Equal(path, file.FilePath);
    }
}
