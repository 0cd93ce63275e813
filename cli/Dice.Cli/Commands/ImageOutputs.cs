using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dice.Core.Images;
using Dice.Core.IO;

namespace Dice.Cli.Commands;

/// <summary>
/// The PNGs `dice generate` writes and their JSON sidecars, handled as pairs: each sidecar records its image's SHA-256
/// (<c>image_sha256</c>), and both files are written to temporary names and then renamed, the sidecar first, so a killed
/// run never leaves an image without its sidecar; a sidecar whose image is missing or does not match is what a killed
/// run left unfinished, and the next run on the same --out removes the pair.
/// </summary>
internal static class ImageOutputs
{
    public const string ImageSha256 = "image_sha256";

    /// <summary>Kill points (<see cref="FaultInjection"/>): between a sidecar's rename and its image's; after each pair.</summary>
    public const string BetweenSidecarAndImage = "generate.between-sidecar-and-image";
    public const string ImageWritten = "generate.image-written";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The PNG paths of <paramref name="count"/> images written to --out <paramref name="output"/>: itself, or STEM-0.png, STEM-1.png, ….</summary>
    public static List<string> Paths(string output, int count)
    {
        if (count == 1)
        {
            return [output];
        }
        var stem = Path.Combine(Path.GetDirectoryName(output) ?? "", Path.GetFileNameWithoutExtension(output));
        return Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"{stem}-{i}.png")).ToList();
    }

    public static string SidecarPath(string png) => Path.ChangeExtension(png, ".json");

    /// <summary>
    /// Checks and locks --out for <paramref name="count"/> images (see <see cref="RunOutput.Claim"/>). An unfinished pair
    /// is removed unless its sidecar is <paramref name="keepSidecar"/> (the --from being rerun, whose image may be gone).
    /// </summary>
    public static RunLock Claim(string output, int count, bool force, string? keepSidecar = null)
    {
        var pngs = Paths(output, Math.Max(count, 1));
        var kept = keepSidecar is null ? null : Path.GetFullPath(keepSidecar);
        return RunOutput.Claim("--out", output, isFolder: false, force, pngs.SelectMany(p => new[] { p, SidecarPath(p) }),
            removeIncomplete: () => pngs.Where(p => Path.GetFullPath(SidecarPath(p)) != kept).ToList().ForEach(RemoveIncompletePair));
    }

    /// <summary>Writes <paramref name="image"/> and its sidecar (<paramref name="settings"/> plus the image's SHA-256) as one unit.</summary>
    public static void Write(string png, RgbImage image, Dictionary<string, object?> settings)
    {
        var bytes = PngEncoder.Encode(image);
        settings[ImageSha256] = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(settings, Indented));
        AtomicFile.WriteAll([(SidecarPath(png), json), (png, bytes)], BetweenSidecarAndImage);
        FaultInjection.Reached(ImageWritten);
    }

    /// <summary>Whether <paramref name="png"/> and its sidecar are a finished pair: both present, the sidecar's image_sha256 the PNG's.</summary>
    public static bool IsCompletePair(string png)
    {
        var sidecar = SidecarPath(png);
        if (!File.Exists(png) || !File.Exists(sidecar))
        {
            return false;
        }
        return RecordedSha256(sidecar) is { } recorded
            && string.Equals(recorded, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(png))), StringComparison.Ordinal);
    }

    /// <summary>Removes a sidecar that records an image which is missing or different, and that image.</summary>
    private static void RemoveIncompletePair(string png)
    {
        var sidecar = SidecarPath(png);
        if (File.Exists(sidecar) && RecordedSha256(sidecar) is not null && !IsCompletePair(png))
        {
            File.Delete(sidecar);
            File.Delete(png);
        }
    }

    /// <summary>The image_sha256 a Dice sidecar records; null for a file that is not one (a user's own JSON is left alone).</summary>
    private static string? RecordedSha256(string sidecar)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(sidecar));
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(ImageSha256, out var hash) && hash.ValueKind == JsonValueKind.String
                ? hash.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
