namespace Dice.Data;

/// <summary>
/// Writes a caption for a scene, choosing the template (uniformly among those for the scene's object count) and,
/// for two objects, which one to mention first (even odds) deterministically from (seed, index).
/// </summary>
public sealed class CaptionWriter
{
    /// <summary>The stream of <see cref="DeterministicRandom.For"/> the choices are drawn from.</summary>
    internal const ulong RandomStream = 0xCA9710;

    public CaptionWriter(long seed)
    {
        Seed = seed;
    }

    public long Seed { get; }

    /// <summary>The caption of sample <paramref name="index"/>, whose scene is <paramref name="scene"/>.</summary>
    public string Write(SceneSpec scene, long index) => Write(scene, DeterministicRandom.For(Seed, index, RandomStream));

    /// <summary>A caption for <paramref name="scene"/> with the choices drawn from <paramref name="random"/>.</summary>
    public static string Write(SceneSpec scene, DeterministicRandom random)
    {
        ArgumentNullException.ThrowIfNull(scene);
        ArgumentNullException.ThrowIfNull(random);
        var template = random.Choose(CaptionTemplates.ForObjectCount(scene.ObjectCount));
        bool swap = random.NextBool();
        return template.Fill(scene, swapOrder: swap && scene.ObjectCount == 2);
    }
}

/// <summary>Reads captions written from <see cref="CaptionTemplates"/> back into scenes.</summary>
public static class CaptionParser
{
    /// <summary>
    /// The scene <paramref name="caption"/> describes, with its objects in the order mentioned (call
    /// <see cref="SceneSpec.Canonical"/> to compare with a sampled scene). Case and extra white space are ignored,
    /// and a final full stop is allowed.
    /// </summary>
    /// <exception cref="FormatException">The caption matches no template, or describes no valid scene.</exception>
    public static SceneSpec Parse(string caption) =>
        TryParse(caption, out var scene, out _)
            ? scene
            : throw new FormatException($"'{caption}' does not follow any caption template");

    /// <summary>As <see cref="Parse"/>, returning false when no template matches; also gives the template.</summary>
    /// <exception cref="FormatException">The caption matches a template's words but describes no valid scene.</exception>
    public static bool TryParse(
        string caption,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SceneSpec? scene,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CaptionTemplate? template)
    {
        ArgumentNullException.ThrowIfNull(caption);
        foreach (var candidate in CaptionTemplates.OneObject.Concat(CaptionTemplates.TwoObjects))
        {
            if (candidate.TryRead(caption) is { } read)
            {
                scene = read;
                template = candidate;
                return true;
            }
        }
        scene = null;
        template = null;
        return false;
    }
}
