using Dice.Safetensors;

namespace Dice.Models.Tests;

/// <summary>Synthetic checkpoints for the weight-loading tests.</summary>
internal static class WeightsTestFiles
{
    /// <summary>
    /// Distinct small multiples of 1/8 per tensor: exactly representable in F32, F16 and BF16, so every dtype
    /// stores the same values.
    /// </summary>
    public static float[] Values(string name, long count)
    {
        var seed = name.Aggregate(17, (h, c) => unchecked((h * 31) + c)) & 0xFF;
        return [.. Enumerable.Range(0, checked((int)count)).Select(i => ((i + seed) % 23 - 11) * 0.125f)];
    }

    /// <summary>A writer holding every spec with its <see cref="Values"/>, in the given dtype.</summary>
    public static SafetensorsWriter Writer(IEnumerable<ParameterSpec> specs, SafetensorsDType dtype = SafetensorsDType.Float32)
    {
        var writer = new SafetensorsWriter();
        foreach (var spec in specs)
        {
            Add(writer, spec.Name, [.. spec.Shape], dtype);
        }
        return writer;
    }

    public static void Add(SafetensorsWriter writer, string name, long[] shape, SafetensorsDType dtype = SafetensorsDType.Float32,
        string? valuesOf = null)
    {
        var values = Values(valuesOf ?? name, shape.Aggregate(1L, (a, b) => a * b));
        switch (dtype)
        {
            case SafetensorsDType.Float32:
                writer.AddFloat32(name, shape, values);
                break;
            case SafetensorsDType.Float16:
                writer.AddFloat16(name, shape, values);
                break;
            case SafetensorsDType.BFloat16:
                writer.AddBFloat16(name, shape, values);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "tests store float weights only");
        }
    }
}
