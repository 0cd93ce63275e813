using System.Globalization;

namespace Dice.GpuKit.Tests;

/// <summary>A gpu-kit manifest as chunks.sh writes it: "file NAME SIZE SHA256 PARTS" then "part NAME SIZE SHA256" lines.</summary>
internal sealed record Manifest(IReadOnlyList<Manifest.Entry> Files, IReadOnlyList<Manifest.Entry> Parts)
{
    public const string Header = "# dice gpu-kit manifest 1";

    public sealed record Entry(string Name, long Size, string Sha256, int PartCount);

    public static Manifest Read(string path)
    {
        var lines = File.ReadAllLines(path);
        Assert.Equal(Header, lines[0]);
        var files = new List<Entry>();
        var parts = new List<Entry>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var f = line.Split(' ');
            switch (f[0])
            {
                case "file":
                    Assert.Equal(5, f.Length);
                    files.Add(new Entry(f[1], long.Parse(f[2], CultureInfo.InvariantCulture), f[3], int.Parse(f[4], CultureInfo.InvariantCulture)));
                    break;
                case "part":
                    Assert.Equal(4, f.Length);
                    parts.Add(new Entry(f[1], long.Parse(f[2], CultureInfo.InvariantCulture), f[3], 1));
                    break;
                default:
                    Assert.Fail($"unexpected manifest line: {line}");
                    break;
            }
        }
        return new Manifest(files, parts);
    }
}
