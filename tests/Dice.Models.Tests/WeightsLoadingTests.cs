using System.Text.Json;
using Dice.Models.Weights;
using Dice.Safetensors;

namespace Dice.Models.Tests;

public class WeightsLoadingTests
{
    private const string Token = "text_model.embeddings.token_embedding.weight";

    [Theory]
    [InlineData(SafetensorsDType.Float16, WeightDType.Float16)]
    [InlineData(SafetensorsDType.BFloat16, WeightDType.BFloat16)]
    public void Half_checkpoints_load_as_exact_float32_or_stay_half_when_asked(SafetensorsDType stored, WeightDType half)
    {
        using var dir = new TempDirectory();
        var specs = ClipTiny.Parameters();
        var path = dir.File("model.safetensors");
        WeightsTestFiles.Writer(specs, stored).Write(path);
        using var source = WeightSource.Open(path, specs);

        foreach (var spec in specs)
        {
            var expected = WeightsTestFiles.Values(spec.Name, spec.ElementCount);
            var widened = source.Read(spec.Name);
            Assert.Equal(WeightDType.Float32, widened.DType);
            Assert.Equal(expected, widened.Float32Values);
            Assert.Equal(spec.Shape, widened.Shape);

            var kept = source.Read(spec.Name, HalfPrecision.Keep);
            Assert.Equal(half, kept.DType);
            Assert.Equal(half, source.LoadedDType(spec.Name, HalfPrecision.Keep));
            Assert.Null(kept.Float32Values);
            Assert.Equal(source.Checkpoint.GetSpan(spec.Name).ToArray(), kept.ToBytes());
            Assert.Equal(expected, kept.ToFloat32());
        }
        var span = new float[50 * 8];
        source.ReadFloat32(Token, span);
        Assert.Equal(WeightsTestFiles.Values(Token, span.Length), span);
    }

    [Fact]
    public void Float32_and_float64_stay_float32_when_half_precision_is_kept()
    {
        using var dir = new TempDirectory();
        var specs = ParameterInventory.Of(ops =>
        {
            ops.Parameter("a", [3], ParameterInit.Zeros);
            ops.Parameter("b", [2], ParameterInit.Zeros);
        });
        var writer = new SafetensorsWriter();
        writer.AddFloat32("a", [3], [1.5f, -2, 0.1f]);
        writer.Add("b", SafetensorsDType.Float64, [2], [.. BitConverter.GetBytes(0.25), .. BitConverter.GetBytes(-3.0)]);
        var path = dir.File("m.safetensors");
        writer.Write(path);

        using var source = WeightSource.Open(path, specs);
        Assert.Equal([1.5f, -2, 0.1f], source.Read("a", HalfPrecision.Keep).Float32Values!);
        var b = source.Read("b", HalfPrecision.Keep);
        Assert.Equal(WeightDType.Float32, b.DType);
        Assert.Equal([0.25f, -3f], b.Float32Values!);
    }

    [Fact]
    public void A_mixed_precision_checkpoint_keeps_each_tensors_dtype()
    {
        using var dir = new TempDirectory();
        var specs = ClipTiny.Parameters();
        var writer = new SafetensorsWriter();
        foreach (var (spec, i) in specs.Select((s, i) => (s, i)))
        {
            WeightsTestFiles.Add(writer, spec.Name, [.. spec.Shape], (i % 3) switch
            {
                0 => SafetensorsDType.Float32,
                1 => SafetensorsDType.Float16,
                _ => SafetensorsDType.BFloat16,
            });
        }
        var path = dir.File("model.safetensors");
        writer.Write(path);
        using var source = WeightSource.Open(path, specs);
        var loaded = source.ReadAll(HalfPrecision.Keep).ToList();
        Assert.Equal([WeightDType.Float32, WeightDType.Float16, WeightDType.BFloat16], loaded.Take(3).Select(w => w.DType));
        Assert.All(source.ReadAll(), w => Assert.Equal(WeightsTestFiles.Values(w.Name, w.ElementCount), w.Float32Values));
    }

    [Fact]
    public void A_sharded_checkpoint_loads_through_its_index()
    {
        using var dir = new TempDirectory();
        var specs = ClipTiny.Parameters();
        var shards = new[] { "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors" };
        var weightMap = new Dictionary<string, string>();
        var writers = new[] { new SafetensorsWriter(), new SafetensorsWriter() };
        foreach (var (spec, i) in specs.Select((s, i) => (s, i)))
        {
            var shard = i < specs.Count / 2 ? 0 : 1;
            WeightsTestFiles.Add(writers[shard], spec.Name, [.. spec.Shape], SafetensorsDType.Float16);
            weightMap[spec.Name] = shards[shard];
        }
        writers[0].Write(dir.File(shards[0]));
        writers[1].Write(dir.File(shards[1]));
        var index = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["metadata"] = new Dictionary<string, object> { ["total_size"] = specs.Sum(s => s.ElementCount * 2) },
            ["weight_map"] = weightMap,
        });
        File.WriteAllText(dir.File("model.safetensors.index.json"), index);

        foreach (var path in new[] { dir.File("model.safetensors.index.json"), dir.Path })
        {
            using var source = WeightSource.Open(path, specs);
            Assert.Equal(2, source.Checkpoint.Shards.Count);
            Assert.All(source.ReadAll(), w => Assert.Equal(WeightsTestFiles.Values(w.Name, w.ElementCount), w.Float32Values));
        }
    }

    [Fact]
    public void A_missing_tensor_in_a_shard_set_is_reported_like_any_other()
    {
        using var dir = new TempDirectory();
        var specs = ClipTiny.Parameters();
        var writer = WeightsTestFiles.Writer(specs.Skip(1));
        writer.Write(dir.File("model-00001-of-00001.safetensors"));
        var index = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["weight_map"] = specs.Skip(1).ToDictionary(s => s.Name, _ => "model-00001-of-00001.safetensors"),
        });
        File.WriteAllText(dir.File("model.safetensors.index.json"), index);

        var e = Assert.Throws<CheckpointMismatchException>(() => WeightSource.Open(dir.Path, specs));
        Assert.Equal(specs[0].Name, Assert.Single(e.Missing).Name);
        Assert.EndsWith("model.safetensors.index.json", e.CheckpointPath, StringComparison.Ordinal);
    }
}
