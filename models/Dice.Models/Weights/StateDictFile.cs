using Dice.Safetensors;

namespace Dice.Models.Weights;

/// <summary>Writes a state dict to a safetensors file.</summary>
public static class StateDictFile
{
    /// <summary>The "__metadata__" PyTorch's safetensors writer puts in (what diffusers and transformers expect).</summary>
    public static IReadOnlyDictionary<string, string> PyTorchMetadata { get; } = new Dictionary<string, string> { ["format"] = "pt" };

    /// <summary>
    /// Writes the tensors, each in its own dtype, atomically (the target is replaced only once the file is complete).
    /// </summary>
    /// <param name="path">The .safetensors file to write.</param>
    /// <param name="tensors">The state dict; names must be unique.</param>
    /// <param name="metadata">Written as "__metadata__" (e.g. <see cref="PyTorchMetadata"/>); none when null or empty.</param>
    public static void Save(string path, IEnumerable<WeightTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var writer = new SafetensorsWriter();
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            writer.Metadata[key] = value;
        }
        foreach (var tensor in tensors)
        {
            ArgumentNullException.ThrowIfNull(tensor);
            var shape = tensor.Shape.ToArray();
            if (tensor.Float32Values is { } values)
            {
                writer.AddFloat32(tensor.Name, shape, values);
            }
            else
            {
                writer.Add(tensor.Name, tensor.DType.ToSafetensors(), shape, tensor.ToBytes());
            }
        }
        writer.Write(path);
    }
}
