using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dice.Models.Classifier;

/// <summary>
/// Size of the attribute classifier: a small CNN that reads an image [B, C, S, S] in [−1, 1] and gives the logits of
/// several classification heads concatenated along the last dim, [B, ΣK]. The heads are listed here (names and
/// class counts, in output order), so the model knows nothing of any particular label schema.
/// </summary>
public sealed record AttributeClassifierConfig
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
    };

    /// <summary>Side S of the square input image; it must halve cleanly once per downsampling stage.</summary>
    public int ImageSize { get; init; } = 32;

    public int InChannels { get; init; } = 3;

    /// <summary>Width of the first (full-resolution) convolution, then of each stride-2 stage; the map after the
    /// last stage is S / 2^(stages) on a side (4×4 for the defaults).</summary>
    public IReadOnlyList<int> Widths { get; init; } = [32, 48, 64, 64];

    /// <summary>Width of the hidden fully connected layer between the flattened map and the heads.</summary>
    public int HiddenDim { get; init; } = 128;

    /// <summary>Groups of every group normalisation (each width must split into them).</summary>
    public int NormGroups { get; init; } = 8;

    /// <summary>Names of the heads, in output order (e.g. "count", "background", "object1.shape", ...).</summary>
    public IReadOnlyList<string> HeadNames { get; init; } = [];

    /// <summary>Class count of each head, in output order.</summary>
    public IReadOnlyList<int> HeadSizes { get; init; } = [];

    /// <summary>ΣK, the width of the logits.</summary>
    [JsonIgnore]
    public int LogitCount => HeadSizes.Sum();

    /// <summary>Stride-2 stages.</summary>
    [JsonIgnore]
    public int Stages => Widths.Count - 1;

    /// <summary>Side of the map that is flattened into the fully connected layer.</summary>
    [JsonIgnore]
    public int FinalMapSize => ImageSize >> Stages;

    /// <summary>Features of the flattened map.</summary>
    [JsonIgnore]
    public int FlattenedFeatures => Widths[^1] * FinalMapSize * FinalMapSize;

    /// <summary>The first logit of head <paramref name="head"/> in the concatenated output.</summary>
    public int HeadOffset(int head)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(head);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(head, HeadSizes.Count);
        var offset = 0;
        for (var i = 0; i < head; i++)
        {
            offset += HeadSizes[i];
        }
        return offset;
    }

    /// <summary>A config for the given heads, other sizes at their defaults.</summary>
    public static AttributeClassifierConfig ForHeads(IReadOnlyList<string> names, IReadOnlyList<int> sizes)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(sizes);
        var config = new AttributeClassifierConfig { HeadNames = names.ToArray(), HeadSizes = sizes.ToArray() };
        config.Validate();
        return config;
    }

    /// <exception cref="ArgumentException">A size is not positive, the image does not halve cleanly into the stages,
    /// a width does not split into the norm groups, or the head names and sizes disagree.</exception>
    public void Validate()
    {
        if (ImageSize <= 0 || InChannels <= 0 || HiddenDim <= 0 || NormGroups <= 0)
        {
            throw new ArgumentException(
                $"classifier sizes must be positive: image {ImageSize}, channels {InChannels}, hidden {HiddenDim}, groups {NormGroups}");
        }
        if (Widths is null || Widths.Count < 2)
        {
            throw new ArgumentException("the classifier needs a first width and at least one downsampling stage");
        }
        foreach (var width in Widths)
        {
            if (width <= 0 || width % NormGroups != 0)
            {
                throw new ArgumentException($"classifier width {width} is not a positive multiple of {NormGroups} norm groups");
            }
        }
        if (Stages >= 31 || FinalMapSize < 1 || FinalMapSize << Stages != ImageSize)
        {
            throw new ArgumentException($"a {ImageSize}-pixel image does not halve cleanly through {Stages} stride-2 stages");
        }
        if (HeadNames is null || HeadSizes is null || HeadSizes.Count == 0)
        {
            throw new ArgumentException("the classifier needs at least one head");
        }
        if (HeadNames.Count != HeadSizes.Count)
        {
            throw new ArgumentException($"{HeadNames.Count} head names for {HeadSizes.Count} head sizes");
        }
        for (var i = 0; i < HeadSizes.Count; i++)
        {
            if (HeadSizes[i] < 2)
            {
                throw new ArgumentException($"head {HeadNames[i]} has {HeadSizes[i]} classes; a head needs at least 2");
            }
            if (string.IsNullOrWhiteSpace(HeadNames[i]))
            {
                throw new ArgumentException($"head {i} has no name");
            }
        }
        if (HeadNames.Distinct(StringComparer.Ordinal).Count() != HeadNames.Count)
        {
            throw new ArgumentException($"head names repeat: {string.Join(", ", HeadNames)}");
        }
    }

    /// <summary>The config as snake_case JSON (what export metadata and checkpoints carry).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <exception cref="ArgumentException">The JSON is not a valid config.</exception>
    public static AttributeClassifierConfig FromJson(string json)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(json);
        AttributeClassifierConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<AttributeClassifierConfig>(json, Json);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"not an attribute classifier config: {e.Message}", nameof(json), e);
        }
        if (config is null)
        {
            throw new ArgumentException("not an attribute classifier config: null", nameof(json));
        }
        config.Validate();
        return config;
    }
}
