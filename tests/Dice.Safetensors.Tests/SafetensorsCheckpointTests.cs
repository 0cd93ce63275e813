using System.Text;

namespace Dice.Safetensors.Tests;

public class SafetensorsCheckpointTests
{
    private const string IndexName = "diffusion_pytorch_model.safetensors.index.json";
    private const string Shard1 = "diffusion_pytorch_model-00001-of-00002.safetensors";
    private const string Shard2 = "diffusion_pytorch_model-00002-of-00002.safetensors";

    /// <summary>Writes two shards (a, b | c) and an index mapping them.</summary>
    private static string WriteShardedCheckpoint(TempDirectory directory, string? weightMapOverride = null)
    {
        var first = new SafetensorsWriter();
        first.AddFloat32("down.a", [2], [1, 2]);
        first.AddFloat16("down.b", [1], [3]);
        first.Write(directory.File(Shard1));

        var second = new SafetensorsWriter();
        second.Add("up.c", SafetensorsDType.UInt8, [3], new byte[] { 7, 8, 9 });
        second.Write(directory.File(Shard2));

        var weightMap = weightMapOverride ?? $$"""
            {"down.a": "{{Shard1}}", "down.b": "{{Shard1}}", "up.c": "{{Shard2}}"}
            """;
        var indexPath = directory.File(IndexName);
        File.WriteAllText(indexPath, $$"""{"metadata": {"total_size": 15, "source": "test"}, "weight_map": {{weightMap}}}""");
        return indexPath;
    }

    [Fact]
    public void Two_shards_and_an_index_read_as_one_set_of_tensors()
    {
        using var directory = new TempDirectory();
        var indexPath = WriteShardedCheckpoint(directory);

        using var checkpoint = SafetensorsCheckpoint.Open(indexPath);

        Assert.Equal(["down.a", "down.b", "up.c"], checkpoint.Tensors.Select(t => t.Name));
        Assert.Equal(2, checkpoint.Shards.Count);
        Assert.Equal([1f, 2f], checkpoint.ReadFloat32("down.a"));
        Assert.Equal([3f], checkpoint.ReadFloat32("down.b"));
        Assert.Equal(new byte[] { 7, 8, 9 }, checkpoint.GetSpan("up.c").ToArray());
        Assert.Equal(directory.File(Shard2), checkpoint.FileOf("up.c").FilePath);
        Assert.Equal("15", checkpoint.Metadata["total_size"]);
        Assert.Equal("test", checkpoint.Metadata["source"]);
        Assert.NotNull(checkpoint.Index);
        Assert.Equal([Shard1, Shard2], checkpoint.Index.ShardFiles);
    }

    [Fact]
    public void A_directory_opens_its_single_index()
    {
        using var directory = new TempDirectory();
        WriteShardedCheckpoint(directory);

        using var checkpoint = SafetensorsCheckpoint.Open(directory.Path);

        Assert.Equal(directory.File(IndexName), checkpoint.FilePath);
        Assert.Equal(3, checkpoint.Tensors.Count);
    }

    [Fact]
    public void A_directory_or_path_to_a_single_file_opens_it()
    {
        using var directory = new TempDirectory();
        var writer = new SafetensorsWriter();
        writer.AddFloat32("w", [1], [5]);
        writer.Metadata["format"] = "pt";
        writer.Write(directory.File("model.safetensors"));

        using var fromDirectory = SafetensorsCheckpoint.Open(directory.Path);
        using var fromFile = SafetensorsCheckpoint.Open(directory.File("model.safetensors"));

        Assert.Null(fromDirectory.Index);
        Assert.Equal([5f], fromDirectory.ReadFloat32("w"));
        Assert.Equal("pt", fromFile.Metadata["format"]);
        Assert.True(fromFile.TryGetTensor("w", out _));
    }

    [Fact]
    public void A_directory_with_no_or_several_checkpoints_is_refused()
    {
        using var directory = new TempDirectory();
        Assert.Throws<FileNotFoundException>(() => SafetensorsCheckpoint.Open(directory.Path));

        new SafetensorsWriter().Write(directory.File("model.safetensors"));
        new SafetensorsWriter().Write(directory.File("diffusion_pytorch_model.safetensors"));

        var ex = Assert.Throws<ArgumentException>(() => SafetensorsCheckpoint.Open(directory.Path));
        Assert.Contains("several checkpoints", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_shard_is_named()
    {
        using var directory = new TempDirectory();
        var indexPath = WriteShardedCheckpoint(directory);
        File.Delete(directory.File(Shard2));

        var ex = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.Open(indexPath));

        Assert.Contains(indexPath, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"shard file '{Shard2}' is missing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'up.c'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tensor_missing_from_its_shard_is_named_and_opened_shards_are_closed()
    {
        using var directory = new TempDirectory();
        var indexPath = WriteShardedCheckpoint(directory, $$"""
            {"down.a": "{{Shard1}}", "down.b": "{{Shard1}}", "up.c": "{{Shard2}}", "up.ghost": "{{Shard2}}"}
            """);

        var ex = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.Open(indexPath));

        Assert.Equal("up.ghost", ex.TensorName);
        Assert.Contains($"shard '{Shard2}', but that shard does not contain it", ex.Message, StringComparison.Ordinal);
        if (OpenHandles.CanInspect)
        {
            Assert.Equal(0, OpenHandles.Count(directory.File(Shard1)));
            Assert.Equal(0, OpenHandles.Count(directory.File(Shard2)));
        }
    }

    [Fact]
    public void A_shard_outside_the_index_directory_is_refused()
    {
        using var directory = new TempDirectory();
        var indexPath = WriteShardedCheckpoint(directory, """{"down.a": "../elsewhere.safetensors"}""");

        var ex = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.Open(indexPath));

        Assert.Contains("outside the index's directory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_index_with_a_byte_order_mark_is_read()
    {
        var json = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("""{"weight_map": {"a": "s.safetensors"}}""")).ToArray();

        var index = SafetensorsIndex.Parse(json);

        Assert.Equal("s.safetensors", index.WeightMap["a"]);
        Assert.Empty(index.Metadata);
    }

    [Theory]
    [InlineData("""{"metadata": {}}""", "no \"weight_map\"")]
    [InlineData("""{"weight_map": {"a": 3}}""", "must name a shard file")]
    [InlineData("""{"weight_map": """, "not valid JSON")]
    public void A_malformed_index_is_refused(string json, string expected)
    {
        var ex = Assert.Throws<SafetensorsFormatException>(() => SafetensorsIndex.Parse(Encoding.UTF8.GetBytes(json), "x.index.json"));

        Assert.Contains("x.index.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
