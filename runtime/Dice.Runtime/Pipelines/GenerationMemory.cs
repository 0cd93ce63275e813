using System.Globalization;

namespace Dice.Runtime.Pipelines;

/// <summary>
/// A lower bound on the peak memory of one generation, from the model's geometry alone, so that a request the machine
/// cannot hold is refused before anything is loaded. With n images of H×W pixels, latents h×w = H/f × W/f (f the VAE
/// factor), C latent channels, 4-byte floats:
/// <list type="bullet">
/// <item>latents: n·C·h·w·4;</item>
/// <item>the UNet's largest attention score matrix: b·heads·L·max(L, S)·4 over its attention levels, L = (h/d)·(w/d) at
/// downscale d, S the text length (cross-attention), b = 2n under batched CFG, else n;</item>
/// <item>the VAE decoder's mid-block attention (one head): n·(h·w)²·4;</item>
/// <item>the VAE decoder's largest activation: n·c_i·(h·s_i)·(w·s_i)·4 over its up blocks i, c_i the channels from the
/// lowest level up and s_i = 2^min(i + 1, levels − 1) the size each block's output is upsampled to.</item>
/// </list>
/// The estimate is the latents plus the largest of the other three (they are not alive at the same time).
/// </summary>
public static class GenerationMemory
{
    /// <summary>Environment variable that sets the limit in bytes instead of the machine's available memory.</summary>
    public const string LimitVariable = "DICE_MEMORY_LIMIT";

    /// <summary>The parts of an estimate, each in bytes (long.MaxValue when it does not fit in 64 bits).</summary>
    public sealed record Estimate(long Latents, long UnetAttention, long VaeMidAttention, long VaeActivation)
    {
        public long Peak => Add(Latents, Math.Max(UnetAttention, Math.Max(VaeMidAttention, VaeActivation)));
    }

    /// <summary>The most memory a run may use, and where that number came from.</summary>
    public sealed record Limit(long Bytes, string Source);

    public static Estimate For(ModelGeometry geometry, long images, int height, int width, bool cfgBatched)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(images);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        long h = height / geometry.VaeFactor, w = width / geometry.VaeFactor;
        var cells = Multiply(h, w);
        var latents = Multiply(images, geometry.LatentChannels, cells, 4);

        var unetBatch = Multiply(images, cfgBatched ? 2 : 1);
        long unet = 0;
        foreach (var level in geometry.UnetAttention)
        {
            var tokens = Multiply(Math.Max(1, h / level.Downscale), Math.Max(1, w / level.Downscale));
            unet = Math.Max(unet, Multiply(unetBatch, level.Heads, tokens, Math.Max(tokens, geometry.SequenceLength), 4));
        }

        var vaeAttention = geometry.VaeMidAttention ? Multiply(images, cells, cells, 4) : 0;

        var channels = geometry.VaeChannels.Reverse().ToList();
        long vae = 0;
        for (var i = 0; i < channels.Count; i++)
        {
            long scale = 1L << Math.Min(i + 1, channels.Count - 1);
            vae = Math.Max(vae, Multiply(images, channels[i], Multiply(h, scale), Multiply(w, scale), 4));
        }
        return new Estimate(latents, unet, vaeAttention, vae);
    }

    /// <summary>
    /// $DICE_MEMORY_LIMIT (bytes) when set, else MemAvailable from /proc/meminfo, else what .NET reports as available.
    /// </summary>
    /// <exception cref="FormatException">DICE_MEMORY_LIMIT is not a positive whole number.</exception>
    public static Limit Available()
    {
        if (Environment.GetEnvironmentVariable(LimitVariable) is { Length: > 0 } text)
        {
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes > 0
                ? new Limit(bytes, LimitVariable)
                : throw new FormatException($"{LimitVariable}={text} is not a positive whole number of bytes");
        }
        if (MemAvailable() is { } available)
        {
            return new Limit(available, "available memory (MemAvailable in /proc/meminfo)");
        }
        return new Limit(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, "memory available to .NET");
    }

    /// <summary>Bytes as "1.10 TB" (powers of 1000), for messages.</summary>
    public static string Format(long bytes)
    {
        string[] units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }
        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.00} {units[unit]}");
    }

    private static long? MemAvailable()
    {
        const string path = "/proc/meminfo";
        if (!File.Exists(path))
        {
            return null;
        }
        foreach (var line in File.ReadLines(path))
        {
            // "MemAvailable:   12345678 kB"
            if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kb))
                {
                    return Multiply(kb, 1024);
                }
            }
        }
        return null;
    }

    /// <summary>The product, or long.MaxValue when it overflows (an estimate that large is refused anyway).</summary>
    private static long Multiply(params long[] factors)
    {
        long product = 1;
        foreach (var f in factors)
        {
            if (f != 0 && product > long.MaxValue / f)
            {
                return long.MaxValue;
            }
            product *= f;
        }
        return product;
    }

    private static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}
