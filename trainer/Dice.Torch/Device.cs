using System.Globalization;

namespace Dice.Torch;

public static partial class torch
{
    /// <summary>Device kinds; the numbers are libtorch's (c10::DeviceType).</summary>
    public enum DeviceType
    {
        CPU = 0,
        CUDA = 1,
    }

    /// <summary>A device: the CPU, or a CUDA GPU by index (-1: the current one).</summary>
    public sealed record Device(DeviceType type, int index = -1)
    {
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

        public override string ToString() =>
            type == DeviceType.CPU ? "cpu" : index < 0 ? "cuda" : $"cuda:{index.ToString(CultureInfo.InvariantCulture)}";
    }
}
