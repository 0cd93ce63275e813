using Dice.Data;
using Dice.Core.Images;

namespace Dice.Evaluation;

/// <summary>
/// The prompts an evaluation runs over. dice-mini's held-out set also knows each caption's scene, so attribute
/// accuracy and real images (rendered from the same scenes) are available; a plain prompt file has only text.
/// </summary>
public sealed class PromptSet
{
    private readonly IReadOnlyList<long>? heldOutIndices;

    private PromptSet(string source, IReadOnlyList<string> prompts, IReadOnlyList<SceneSpec>? scenes, IReadOnlyList<long>? heldOutIndices)
    {
        Source = source;
        Prompts = prompts;
        Scenes = scenes;
        this.heldOutIndices = heldOutIndices;
    }

    /// <summary>Where the prompts came from, for reports.</summary>
    public string Source { get; }

    public IReadOnlyList<string> Prompts { get; }

    /// <summary>The scene each prompt describes, or null for a prompt file.</summary>
    public IReadOnlyList<SceneSpec>? Scenes { get; }

    public int Count => Prompts.Count;

    /// <summary>The first <paramref name="count"/> captions of dice-mini's held-out split (seed <see cref="DiceMiniSplits.HeldOutSeed"/>).</summary>
    public static PromptSet DiceMiniHeldOut(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var samples = DiceMiniSplits.HeldOutCaptions(count);
        return new PromptSet($"dice-mini held-out captions 0–{count - 1} (seed {DiceMiniSplits.HeldOutSeed})",
            samples.Select(s => s.Caption).ToList(), samples.Select(s => s.Scene).ToList(), samples.Select(s => s.Index).ToList());
    }

    /// <summary>Prompts from a text file, one a line (blank lines and lines starting with # skipped), at most <paramref name="count"/>.</summary>
    public static PromptSet FromFile(string path, int? count = null)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no prompt file at {path}: give a text file with one prompt a line", path);
        }
        var prompts = File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'));
        var list = (count is { } n ? prompts.Take(n) : prompts).ToList();
        if (list.Count == 0)
        {
            throw new InvalidDataException($"{path} holds no prompts: write one prompt a line");
        }
        return new PromptSet(Path.GetFullPath(path), list, null, null);
    }

    /// <summary>The real images of the held-out scenes at <paramref name="imageSize"/> pixels, or null for a prompt file.</summary>
    public IReadOnlyList<RgbImage>? RenderRealImages(int imageSize)
    {
        if (heldOutIndices is null)
        {
            return null;
        }
        var generator = DiceMiniSplits.HeldOut(imageSize);
        return heldOutIndices.Select(i => generator.Generate(i).Image).ToList();
    }
}
