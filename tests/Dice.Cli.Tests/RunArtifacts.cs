using System.Security.Cryptography;
using System.Text.Json;
using Dice.Core.Images;
using Dice.Safetensors;
using Onnx;

namespace Dice.Cli.Tests;

/// <summary>
/// Checks on what a run left at final paths, by reading each file with its own format's reader (not Dice's writer): PNGs
/// decode, JSON and JSON lines parse, safetensors validate, ONNX graphs parse with their external data in range, and a
/// generated image's sidecar records the image's SHA-256.
/// </summary>
internal static class RunArtifacts
{
    /// <summary>Every file under <paramref name="path"/> (a file or a folder) not hidden is complete.</summary>
    /// <param name="tornLogTail">Allow a JSON-lines log's last line to lack its end (a kill mid-append), before a resume.</param>
    public static void AssertComplete(string path, bool tornLogTail = false)
    {
        var files = File.Exists(path) ? [path]
            : Directory.Exists(path) ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                .Where(f => !Path.GetRelativePath(path, f).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
            : [];
        foreach (var file in files)
        {
            switch (Path.GetExtension(file))
            {
                case ".png":
                    var png = PngFile.Read(file);
                    Assert.True(png.Width > 0, file);
                    break;
                case ".json":
                    using (JsonDocument.Parse(File.ReadAllBytes(file)))
                    {
                    }
                    break;
                case ".jsonl":
                    var text = File.ReadAllText(file);
                    var lines = text.Split('\n');
                    // The text after the last newline is empty for a complete log.
                    Assert.True(tornLogTail || lines[^1].Length == 0, $"{file} ends in a partial line");
                    foreach (var line in lines[..^1])
                    {
                        using (JsonDocument.Parse(line))
                        {
                        }
                    }
                    break;
                case ".safetensors":
                    using (SafetensorsFile.Open(file))
                    {
                    }
                    break;
                case ".onnx":
                    AssertOnnxComplete(file);
                    break;
            }
        }
    }

    /// <summary>
    /// Each PNG in <paramref name="folder"/> has a sidecar whose image_sha256 is the PNG's SHA-256. Returns the PNG names.
    /// </summary>
    public static string[] AssertPairsMatch(string folder)
    {
        var pngs = Directory.GetFiles(folder, "*.png").Order(StringComparer.Ordinal).ToArray();
        foreach (var png in pngs)
        {
            var sidecar = Path.ChangeExtension(png, ".json");
            Assert.True(File.Exists(sidecar), $"{png} has no sidecar");
            using var document = JsonDocument.Parse(File.ReadAllBytes(sidecar));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(png))),
                document.RootElement.GetProperty("image_sha256").GetString());
            PngFile.Read(png);
        }
        return pngs.Select(p => Path.GetFileName(p)!).ToArray();
    }

    /// <summary>Temporary files, staging folders and lock files of runs under <paramref name="folder"/> (none when runs ended cleanly).</summary>
    public static string[] Leftovers(string folder) =>
        Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .Where(e => e.EndsWith(".dice-tmp", StringComparison.Ordinal) || e.EndsWith(".dice-lock", StringComparison.Ordinal))
            .ToArray();

    private static void AssertOnnxComplete(string file)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(file));
        Assert.NotNull(model.Graph);
        foreach (var initializer in model.Graph.Initializer.Where(i => i.DataLocation == TensorProto.Types.DataLocation.External))
        {
            var entries = initializer.ExternalData.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
            var data = Path.Combine(Path.GetDirectoryName(file)!, entries["location"]);
            Assert.True(File.Exists(data), $"{file}: {data} is missing");
            var end = long.Parse(entries.GetValueOrDefault("offset", "0"), System.Globalization.CultureInfo.InvariantCulture)
                + long.Parse(entries["length"], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(end <= new FileInfo(data).Length, $"{file}: {initializer.Name} ends past {data}");
        }
    }
}
