using System.Globalization;
using System.Text.RegularExpressions;

namespace Dice.Cli.Tests;

/// <summary>
/// The SD1.5 UNet's weights (859,520,964 float32 parameters, 3.4 GB) stream to external data without ever sitting whole in
/// memory. Measured in a process of its own: GNU time's maximum resident set size of `dice convert`, so other tests
/// running beside it in the test host cannot inflate or hide the peak.
/// </summary>
[Trait(Tier.Name, Tier.Slow)]
public sealed partial class ConvertMemoryPeakTests
{
    private const long Parameters = 859_520_964;

    [Fact]
    public void Converting_the_sd15_unet_peaks_under_2_GiB_while_writing_3_4_GB_of_weights()
    {
        using var dir = new TempDirectory();
        var output = dir.File("sd15");
        var r = DiceProcess.Run(["convert", "--preset", "sd15", "--random-weights", "--components", "unet", "--out", output],
            launcher: ["/usr/bin/time", "-f", "peak_rss_kib=%M"]);
        Assert.True(r.ExitCode == 0, r.Stderr);

        var weights = Directory.GetFiles(Path.Combine(output, "unet")).Where(f => !f.EndsWith(".onnx", StringComparison.Ordinal))
            .Sum(f => new FileInfo(f).Length);
        Assert.True(weights >= Parameters * 4, $"external data holds {weights:N0} bytes, under {Parameters * 4:N0}");
        var peak = long.Parse(PeakRss().Match(r.Stderr).Groups[1].Value, CultureInfo.InvariantCulture) * 1024;
        Assert.True(peak < 2L << 30, $"dice convert peaked at {peak >> 20} MiB resident: the weights sat whole in memory");
    }

    [GeneratedRegex(@"peak_rss_kib=(\d+)")]
    private static partial Regex PeakRss();
}
