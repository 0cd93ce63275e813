using Dice.Safetensors;
using TorchSharp;

namespace Dice.Trainer.Training;

/// <summary>
/// Named tensors of any common dtype (float32/64/16, int64/32, uint8, bool) to and from a safetensors file, bit for
/// bit: optimizer moments, generator states, model parameters. Writing is atomic (see <see cref="SafetensorsWriter.Write"/>).
/// </summary>
public static class TensorFile
{
    public static void Save(string path, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var writer = new SafetensorsWriter();
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            writer.Metadata[key] = value;
        }
        foreach (var (name, tensor) in tensors)
        {
            ArgumentNullException.ThrowIfNull(tensor);
            writer.Add(name, ToSafetensors(tensor.dtype), tensor.shape, TensorBytes.ToArray(tensor));
        }
        writer.Write(path);
    }

    /// <summary>Every tensor of the file, on the CPU; the caller disposes them.</summary>
    public static Dictionary<string, torch.Tensor> Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var result = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        try
        {
            using var file = SafetensorsCheckpoint.Open(path);
            foreach (var info in file.Tensors)
            {
                var bytes = file.ReadBytes(info.Name);
                result[info.Name] = TensorBytes.ToTensor(bytes, FromSafetensors(info.DType, path), info.Shape.ToArray()).DetachFromDisposeScope();
            }
            return result;
        }
        catch
        {
            foreach (var t in result.Values)
            {
                t.Dispose();
            }
            throw;
        }
    }

    private static SafetensorsDType ToSafetensors(torch.ScalarType t) => t switch
    {
        torch.ScalarType.Float32 => SafetensorsDType.Float32,
        torch.ScalarType.Float64 => SafetensorsDType.Float64,
        torch.ScalarType.Float16 => SafetensorsDType.Float16,
        torch.ScalarType.Int64 => SafetensorsDType.Int64,
        torch.ScalarType.Int32 => SafetensorsDType.Int32,
        torch.ScalarType.Byte => SafetensorsDType.UInt8,
        torch.ScalarType.Bool => SafetensorsDType.Bool,
        _ => throw new NotSupportedException($"cannot store a {t} tensor"),
    };

    private static torch.ScalarType FromSafetensors(SafetensorsDType t, string path) => t switch
    {
        SafetensorsDType.Float32 => torch.ScalarType.Float32,
        SafetensorsDType.Float64 => torch.ScalarType.Float64,
        SafetensorsDType.Float16 => torch.ScalarType.Float16,
        SafetensorsDType.Int64 => torch.ScalarType.Int64,
        SafetensorsDType.Int32 => torch.ScalarType.Int32,
        SafetensorsDType.UInt8 => torch.ScalarType.Byte,
        SafetensorsDType.Bool => torch.ScalarType.Bool,
        _ => throw new InvalidDataException($"{path}: tensors of dtype {t} cannot be loaded here"),
    };
}
