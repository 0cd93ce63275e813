using System.Security.Cryptography;
using System.Text.Json;
using Dice.Core.IO;
using Dice.Core.Images;
using Dice.Core.Sampling;
using Dice.Runtime.Pipelines;

namespace Dice.Cli.Commands;

/// <summary>
/// Reads the JSON sidecar `dice generate` writes beside each image back into the request that made it, for
/// `dice generate --from`. Fields it does not know are ignored (informational fields such as unet_calls, and fields
/// of later versions); a field it knows but cannot honour (a --compare grid, a missing prompt, an init image that
/// changed since, a value of the wrong type) is refused with one line naming the field.
/// </summary>
internal sealed class GenerationSidecar
{
    private GenerationSidecar(string path, GenerationRequest request, int imageIndex, string? model, string mode,
        string? initImagePath, string? initImageSha256)
    {
        InitImagePath = initImagePath;
        InitImageSha256 = initImageSha256;
        Path = path;
        Request = request;
        ImageIndex = imageIndex;
        Model = model;
        Mode = mode;
    }

    public string Path { get; }

    /// <summary>The whole run the image came from (every prompt, every image per prompt), so its noise is drawn as before.</summary>
    public GenerationRequest Request { get; }

    /// <summary>Which image of the run's result the sidecar describes.</summary>
    public int ImageIndex { get; }

    /// <summary>The model folder recorded, if any.</summary>
    public string? Model { get; }

    public string Mode { get; }

    /// <summary>The init image's path and SHA-256 as recorded (image-to-image), else null.</summary>
    public string? InitImagePath { get; }

    public string? InitImageSha256 { get; }

    /// <summary>The given initial latents' .npy path as recorded (`--latents`), else null.</summary>
    public string? LatentsPath { get; private init; }

    /// <param name="initImage">Where the recorded init image is now (--init-image with --from), else null: the recorded
    /// path, which must lie inside the sidecar's folder.</param>
    /// <param name="latents">The same for a recorded --latents file.</param>
    public static GenerationSidecar Read(string path, string? initImage = null, string? latents = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DiceUsageException($"--from {path}: cannot read the sidecar ({e.Message}); pass the .json written beside an image", e);
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new DiceUsageException($"--from {path}: not JSON ({e.Message}); pass the .json written beside an image", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new DiceUsageException($"--from {path}: not a dice generate sidecar (not a JSON object)");
            }
            var reader = new FieldReader(path, root);
            if (reader.Bool("compare") == true)
            {
                throw new DiceUsageException($"--from {path}: a --compare grid's sidecar; rerun dice generate --compare with its settings instead");
            }
            var mode = reader.RequiredString("mode");
            var generationMode = mode switch
            {
                "dice" => GenerationMode.Dice,
                "cfg" => GenerationMode.Cfg,
                "unguided" => GenerationMode.Unguided,
                _ => throw new DiceUsageException($"--from {path}: unknown mode '{mode}' (this dice knows dice, cfg and unguided); use a newer dice"),
            };
            var prompt = reader.RequiredString("prompt");
            var perPrompt = reader.Int("images_per_prompt") ?? 1;
            var index = reader.Int("image_index") ?? 0;
            var prompts = reader.Strings("prompts");
            if (prompts is null)
            {
                if (index >= perPrompt)
                {
                    throw new DiceUsageException(
                        $"--from {path}: image {index} of a run of several prompts, and the sidecar does not list them (no \"prompts\"); regenerate it with this dice");
                }
                prompts = [prompt];
            }
            if (perPrompt <= 0 || index < 0 || index >= prompts.Count * perPrompt || prompts[index / perPrompt] != prompt)
            {
                throw new DiceUsageException($"--from {path}: image_index {index} does not name \"{prompt}\" among its prompts; the sidecar was edited");
            }
            var request = new GenerationRequest
            {
                Prompts = prompts,
                Mode = generationMode,
                NegativePrompt = reader.String("negative_prompt") ?? "",
                GuidanceScale = generationMode == GenerationMode.Cfg ? reader.RequiredDouble("guidance") : 7.5,
                CfgSequential = reader.Bool("cfg_sequential") ?? false,
                Alpha = reader.Double("alpha") ?? 1.0,
                Beta = reader.Double("beta") ?? 1.0,
                GuidanceRescale = reader.Double("guidance_rescale") ?? 0,
                Eta = reader.Double("eta") ?? 0,
                ClipSkip = reader.Int("clip_skip") ?? 0,
                EmbeddingScale = reader.Double("embedding_scale") ?? 1.0,
                Steps = reader.RequiredInt("steps"),
                Scheduler = reader.RequiredString("scheduler"),
                Seed = reader.RequiredUInt64("seed"),
                Noise = reader.String("noise") ?? NoiseSources.Dice,
                ImagesPerPrompt = perPrompt,
                Height = reader.RequiredInt("height"),
                Width = reader.RequiredInt("width"),
            };
            var initPath = reader.String("init_image");
            var initSha256 = initPath is null ? null : reader.RequiredString("init_image_sha256");
            if (initImage is not null && initPath is null)
            {
                throw new DiceUsageException($"--from {path}: --init-image names where the run's init image is now, and this run had none; drop it");
            }
            initPath = initPath is null ? null : RecordedFile(path, initPath, initImage, "init image", "init_image", "--init-image");
            if (initPath is not null)
            {
                request = request with
                {
                    InitImage = ReadInitImage(path, initPath, initSha256!),
                    Strength = reader.RequiredDouble("strength"),
                };
            }
            var recordedLatents = reader.Latents();
            if (latents is not null && recordedLatents is null)
            {
                throw new DiceUsageException($"--from {path}: --latents names where the run's latents file is now, and this run drew its noise; drop it");
            }
            string? latentsPath = null;
            if (recordedLatents is { } given)
            {
                latentsPath = RecordedFile(path, given.Path, latents, "latents", "latents.path", "--latents");
                request = request with { Latents = ReadLatents(path, latentsPath, given.Sha256) };
            }
            return new GenerationSidecar(path, request, index, reader.String("model"), mode, initPath, initSha256) { LatentsPath = latentsPath };
        }
    }

    /// <summary>
    /// The full path of a file the sidecar records (init image, latents): the one the user names now, or else the
    /// recorded path, which must lie inside the sidecar's folder like any path read from a file (<see cref="ConfinedPath"/>),
    /// so a crafted sidecar cannot make --from read files elsewhere.
    /// </summary>
    private static string RecordedFile(string sidecar, string recorded, string? given, string what, string field, string option)
    {
        if (given is not null)
        {
            return System.IO.Path.GetFullPath(given);
        }
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(sidecar))!;
        var relative = System.IO.Path.IsPathRooted(recorded) ? System.IO.Path.GetRelativePath(folder, recorded) : recorded;
        try
        {
            return ConfinedPath.Resolve(folder, relative, sidecar, field);
        }
        catch (PathEscapeException e)
        {
            throw new DiceUsageException(
                $"--from {sidecar}: its {what} {recorded} is not inside the sidecar's folder {folder} ({e.Reason}), and --from reads recorded files only from there; pass the file with {option} FILE (its SHA-256 is still checked)", e);
        }
    }

    /// <summary>The hex SHA-256 of a file's bytes, recorded so that --from notices a changed init image.</summary>
    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static RgbImage ReadInitImage(string sidecar, string initPath, string sha256)
    {
        var bytes = ReadRecordedFile(sidecar, initPath, sha256, "init image", "has", "image");
        try
        {
            return ImageFile.Decode(bytes, initPath);
        }
        catch (ImageFormatException e)
        {
            throw new DiceUsageException($"--from {sidecar}: {e.Message}", e);
        }
    }

    private static NpyArray ReadLatents(string sidecar, string latentsPath, string sha256)
    {
        var bytes = ReadRecordedFile(sidecar, latentsPath, sha256, "latents", "have", "file");
        try
        {
            return NpyFile.Decode(bytes, latentsPath);
        }
        catch (InvalidDataException e)
        {
            throw new DiceUsageException($"--from {sidecar}: {e.Message}", e);
        }
    }

    /// <summary>The bytes of a file the sidecar records by path and SHA-256, refused if unreadable or changed since.</summary>
    private static byte[] ReadRecordedFile(string sidecar, string path, string sha256, string what, string verb, string kind)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DiceUsageException($"--from {sidecar}: cannot read its {what} {path} ({e.Message}); put the {kind} back there", e);
        }
        if (!string.Equals(Sha256(bytes), sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new DiceUsageException($"--from {sidecar}: the {what} {path} {verb} changed since (SHA-256 differs); restore the original {kind}");
        }
        return bytes;
    }

    /// <summary>Typed access to the sidecar's fields; null (or absent) means the default.</summary>
    private sealed class FieldReader(string path, JsonElement root)
    {
        private JsonElement? Get(string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

        private DiceUsageException Wrong(string name, string expected) =>
            new($"--from {path}: field \"{name}\" is not {expected}; the sidecar was edited or is not from dice generate");

        private DiceUsageException Missing(string name) =>
            new($"--from {path}: no \"{name}\", which the image depends on; pass a sidecar written by dice generate");

        public string? String(string name) => Get(name) is { } v
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw Wrong(name, "a string")
            : null;

        public string RequiredString(string name) => String(name) ?? throw Missing(name);

        /// <summary>The "latents" record {path, sha256} of a run that started from given latents; null when noise was drawn.</summary>
        public (string Path, string Sha256)? Latents()
        {
            if (Get("latents") is not { } v)
            {
                return null;
            }
            if (v.ValueKind != JsonValueKind.Object || !v.TryGetProperty("path", out var p) || p.ValueKind != JsonValueKind.String ||
                !v.TryGetProperty("sha256", out var h) || h.ValueKind != JsonValueKind.String)
            {
                throw Wrong("latents", "an object with \"path\" and \"sha256\"");
            }
            return (p.GetString()!, h.GetString()!);
        }

        public bool? Bool(string name) => Get(name) is { } v
            ? v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw Wrong(name, "true or false")
            : null;

        public double? Double(string name) => Get(name) is { } v
            ? v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Wrong(name, "a number")
            : null;

        public double RequiredDouble(string name) => Double(name) ?? throw Missing(name);

        public int? Int(string name) => Get(name) is { } v
            ? v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : throw Wrong(name, "an integer")
            : null;

        public int RequiredInt(string name) => Int(name) ?? throw Missing(name);

        public ulong RequiredUInt64(string name) => Get(name) is { } v
            ? v.ValueKind == JsonValueKind.Number && v.TryGetUInt64(out var u) ? u : throw Wrong(name, "a non-negative integer")
            : throw Missing(name);

        public List<string>? Strings(string name) => Get(name) is { } v
            ? v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String)
                ? v.EnumerateArray().Select(e => e.GetString()!).ToList()
                : throw Wrong(name, "a list of strings")
            : null;
    }
}
