using Dice.Models.Weights;
using Dice.Safetensors;

namespace Dice.Models.Tests;

public class WeightsStateDictTests
{
    [Fact]
    public void Save_writes_each_tensor_in_its_dtype_with_metadata_atomically()
    {
        using var dir = new TempDirectory();
        var path = dir.File("sharpener.safetensors");
        var tensors = new[]
        {
            WeightTensor.FromFloat32("fc1.weight", [2, 3], [1, 2, 3, 4, 5, 6]),
            WeightTensor.FromFloat32("fc1.bias", [2], [0.5f, -0.5f]).ConvertTo(WeightDType.Float16),
            WeightTensor.FromFloat32("fc2.weight", [1, 2], [3, -1.25f]).ConvertTo(WeightDType.BFloat16),
        };
        StateDictFile.Save(path, tensors, StateDictFile.PyTorchMetadata);

        Assert.Equal(["sharpener.safetensors"], dir.FileNames());
        using var file = SafetensorsCheckpoint.Open(path);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(SafetensorsDType.Float32, file.GetTensor("fc1.weight").DType);
        Assert.Equal(SafetensorsDType.Float16, file.GetTensor("fc1.bias").DType);
        Assert.Equal(SafetensorsDType.BFloat16, file.GetTensor("fc2.weight").DType);
        Assert.Equal([1L, 2], file.GetTensor("fc2.weight").Shape);
        Assert.Equal([1f, 2, 3, 4, 5, 6], file.ReadFloat32("fc1.weight"));
        Assert.Equal([0.5f, -0.5f], file.ReadFloat32("fc1.bias"));
        Assert.Equal([3f, -1.25f], file.ReadFloat32("fc2.weight"));
    }

    [Fact]
    public void Save_replaces_an_existing_file_and_leaves_it_untouched_on_failure()
    {
        using var dir = new TempDirectory();
        var path = dir.File("w.safetensors");
        StateDictFile.Save(path, [WeightTensor.FromFloat32("a", [1], [1])]);
        StateDictFile.Save(path, [WeightTensor.FromFloat32("a", [1], [2])]);
        var before = File.ReadAllBytes(path);

        Assert.Throws<ArgumentException>(() => StateDictFile.Save(path,
            [WeightTensor.FromFloat32("a", [1], [3]), WeightTensor.FromFloat32("a", [1], [4])]));
        Assert.Equal(before, File.ReadAllBytes(path));
        using var file = SafetensorsCheckpoint.Open(path);
        Assert.Equal([2f], file.ReadFloat32("a"));
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void A_saved_model_state_dict_loads_back_strictly()
    {
        using var dir = new TempDirectory();
        var specs = ClipTiny.Parameters();
        var path = dir.File("model.safetensors");
        StateDictFile.Save(path, specs.Select(s => WeightTensor.FromFloat32(s.Name, s.Shape, WeightsTestFiles.Values(s.Name, s.ElementCount))));

        using var source = WeightSource.Open(dir.Path, specs);
        Assert.All(source.ReadAll(), w => Assert.Equal(WeightsTestFiles.Values(w.Name, w.ElementCount), w.Float32Values));
    }

    [Theory]
    [InlineData(WeightDType.Float32)]
    [InlineData(WeightDType.Float16)]
    [InlineData(WeightDType.BFloat16)]
    public void Bytes_round_trip_in_every_dtype(WeightDType dtype)
    {
        float[] values = [0, 1, -2.5f, 0.125f, 1024, -0.0078125f];
        var tensor = WeightTensor.FromFloat32("t", [2, 3], values).ConvertTo(dtype);
        var back = WeightTensor.FromBytes("t", dtype, [2, 3], tensor.ToBytes());
        Assert.Equal(dtype, back.DType);
        Assert.Equal(values, back.ToFloat32());
        Assert.Equal(values, back.ConvertTo(WeightDType.Float32).Float32Values);
        Assert.Equal([3L, 2], back.Reshape([3, 2]).Shape);
    }

    [Fact]
    public void Narrowing_rounds_to_nearest_even()
    {
        var t = WeightTensor.FromFloat32("t", [2], [1 + (1f / 2048), 1 + (3f / 2048)]);
        Assert.Equal([1f, 1 + (2f / 1024)], t.ConvertTo(WeightDType.Float16).ToFloat32());
        Assert.Equal([(ushort)0x3F80, (ushort)0x3F80], t.ConvertTo(WeightDType.BFloat16).HalfBits!);
    }

    [Fact]
    public void Sizes_must_agree()
    {
        Assert.Throws<ArgumentException>(() => WeightTensor.FromFloat32("t", [2, 2], [1, 2, 3]));
        Assert.Throws<ArgumentException>(() => WeightTensor.FromBytes("t", WeightDType.Float16, [2], new byte[3]));
        Assert.Throws<ArgumentException>(() => WeightTensor.FromHalfBits("t", WeightDType.Float32, [1], [0]));
        Assert.Throws<ArgumentException>(() => WeightTensor.FromFloat32("t", [1], [1]).Reshape([2]));
    }
}
