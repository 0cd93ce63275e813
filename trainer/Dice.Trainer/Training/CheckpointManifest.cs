using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dice.Trainer.Training;

/// <summary>
/// manifest.json of a training checkpoint: what the folder holds. It is written last, so a folder with a manifest
/// is complete.
/// </summary>
public sealed record CheckpointManifest
{
    public const string FileName = "manifest.json";

    public const string FormatName = "dice-training-checkpoint";

    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    [JsonPropertyName("format")]
    public string Format { get; init; } = FormatName;

    [JsonPropertyName("version")]
    public int Version { get; init; } = CurrentVersion;

    /// <summary>Steps completed when the checkpoint was written.</summary>
    [JsonPropertyName("step")]
    public long Step { get; init; }

    /// <summary>Model name → parameter file (safetensors, the model's state-dict names).</summary>
    [JsonPropertyName("models")]
    public Dictionary<string, string> Models { get; init; } = [];

    /// <summary>Optimizer name → state file (AdamW.state_dict as safetensors).</summary>
    [JsonPropertyName("optimizers")]
    public Dictionary<string, string> Optimizers { get; init; } = [];

    /// <summary>Names of the generator states in <see cref="GeneratorsFile"/>.</summary>
    [JsonPropertyName("generators")]
    public List<string> Generators { get; init; } = [];

    [JsonPropertyName("generators_file")]
    public string? GeneratorsFile { get; init; }

    /// <summary>Whatever the trainer wants to keep with the checkpoint (its options, model configs as JSON, …).</summary>
    [JsonPropertyName("metadata")]
    public Dictionary<string, string> Metadata { get; init; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <exception cref="InvalidDataException">Not a checkpoint manifest of a version this code reads.</exception>
    public static CheckpointManifest FromJson(string json, string source)
    {
        CheckpointManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<CheckpointManifest>(json, Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: invalid checkpoint manifest ({e.Message})", e);
        }
        if (manifest is null || manifest.Format != FormatName)
        {
            throw new InvalidDataException($"{source}: not a {FormatName} manifest");
        }
        if (manifest.Version != CurrentVersion)
        {
            throw new InvalidDataException($"{source}: checkpoint version {manifest.Version}, this build reads version {CurrentVersion}");
        }
        return manifest;
    }
}
