using static TorchSharp.torch;

namespace Dice.Trainer;

/// <summary>Raw little-endian element bytes (what safetensors stores) to and from CPU tensors of any dtype.</summary>
internal static class TensorBytes
{
    /// <summary>A new CPU tensor of <paramref name="dtype"/> and <paramref name="shape"/> holding a copy of <paramref name="bytes"/>.</summary>
    public static Tensor ToTensor(ReadOnlySpan<byte> bytes, ScalarType dtype, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var result = empty(shape, dtype);
        var storage = result.bytes;
        if (storage.Length != bytes.Length)
        {
            result.Dispose();
            throw new ArgumentException(
                $"{bytes.Length} bytes do not hold [{string.Join(", ", shape)}] elements of {dtype} ({storage.Length} bytes)", nameof(bytes));
        }
        bytes.CopyTo(storage);
        return result;
    }

    /// <summary>A copy of the elements' bytes, row-major, of a tensor on any device.</summary>
    public static byte[] ToArray(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var scope = NewDisposeScope();
        return tensor.detach().cpu().contiguous().bytes.ToArray();
    }
}
