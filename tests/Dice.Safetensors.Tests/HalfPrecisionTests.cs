namespace Dice.Safetensors.Tests;

public sealed class HalfPrecisionTests
{
    [Fact]
    public void Float32_tensors_become_float16_with_the_same_values_and_metadata_and_other_dtypes_stay()
    {
        var path = Path.Combine(Path.GetTempPath(), $"half-{Guid.NewGuid():N}.safetensors");
        try
        {
            var writer = new SafetensorsWriter();
            writer.Metadata["format"] = "pt";
            float[] values = [0.5f, -2f, 1024f, 0.1f, 3.14159f, -65504f];
            writer.AddFloat32("w", [2, 3], values);
            writer.Add("ids", SafetensorsDType.Int64, [2], new byte[16]);
            writer.Write(path);

            var (before, after) = SafetensorsHalfPrecision.ConvertFile(path);
            Assert.True(after < before, $"{after} bytes should be fewer than {before}");
            using var file = SafetensorsFile.Open(path);
            Assert.Equal("pt", file.Metadata["format"]);
            Assert.Equal(SafetensorsDType.Float16, file.GetTensor("w").DType);
            Assert.Equal([2L, 3L], file.GetTensor("w").Shape);
            Assert.Equal(SafetensorsDType.Int64, file.GetTensor("ids").DType);
            var read = file.ReadFloat32("w");
            for (var i = 0; i < values.Length; i++)
            {
                Assert.Equal((float)(Half)values[i], read[i]);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
