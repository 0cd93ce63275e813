using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Dice.Trainer;

/// <summary>Device names as the training verbs take them, and device comparison (TorchSharp's Device compares by reference).</summary>
public static class TorchDevices
{
    /// <summary>"cpu", "cuda" (GPU 0) or "cuda:N"; anything else is an <see cref="ArgumentException"/>.</summary>
    public static Device Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var s = spec.Trim().ToLowerInvariant();
        if (s == "cpu")
        {
            return new Device(DeviceType.CPU);
        }
        if (s == "cuda")
        {
            return new Device(DeviceType.CUDA, 0);
        }
        if (s.StartsWith("cuda:", StringComparison.Ordinal) &&
            int.TryParse(s.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return new Device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"unknown device '{spec}': use cpu, cuda or cuda:N", nameof(spec));
    }

    /// <summary>The same device: the CPU, or the same GPU (index -1, "the current one", counted as GPU 0 as Dice never
    /// switches the current GPU).</summary>
    public static bool Same(Device a, Device b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.type == b.type && (a.type == DeviceType.CPU || Math.Max(a.index, 0) == Math.Max(b.index, 0));
    }
}
