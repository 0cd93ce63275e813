namespace Dice.Safetensors;

/// <summary>Rewrites a checkpoint with its float32 tensors stored as float16 (other dtypes and the metadata kept): half the size on disk.</summary>
public static class SafetensorsHalfPrecision
{
    /// <summary>Converts <paramref name="path"/> in place (a complete new file is renamed over it); returns the sizes before and after.</summary>
    public static (long Before, long After) ConvertFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var before = new FileInfo(path).Length;
        var writer = new SafetensorsWriter();
        using (var file = SafetensorsFile.Open(path))
        {
            foreach (var (key, value) in file.Metadata)
            {
                writer.Metadata[key] = value;
            }
            foreach (var tensor in file.Tensors)
            {
                var shape = tensor.Shape.ToArray();
                if (tensor.DType == SafetensorsDType.Float32)
                {
                    writer.AddFloat16(tensor.Name, shape, file.ReadFloat32(tensor.Name));
                }
                else
                {
                    writer.Add(tensor.Name, tensor.DType, shape, file.ReadBytes(tensor.Name));
                }
            }
        }
        writer.Write(path);
        return (before, new FileInfo(path).Length);
    }
}
