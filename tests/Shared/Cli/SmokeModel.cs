
namespace Dice.Tests.Shared;

/// <summary>
/// A smoke-scale dice-mini (tiny models, a few training steps, classifier included) made once per test run by `dice mini`
/// (see <see cref="SharedArtifacts"/>), plus a copy whose text_encoder_dice is the plain text encoder: DICE through it must
/// give exactly the unguided images. Read-only: a test that writes into a model folder copies it first.
/// </summary>
public sealed class SmokeModel
{
    public SmokeModel()
    {
        var root = SharedArtifacts.Get("smoke-model", Build);
        Folder = Path.Combine(root, "dice-mini");
        WithIdentityDice = Path.Combine(root, "dice-mini-identity");
        WithDice = Path.Combine(root, "dice-mini-dice");
    }

    private static void Build(string root)
    {
        var folder = Path.Combine(root, "dice-mini");
        Run(["mini", "--scale", "smoke", "--out", folder]);
        var identity = Path.Combine(root, "dice-mini-identity");
        CopyDirectory(folder, identity);
        CopyDirectory(Path.Combine(folder, "text_encoder"), Path.Combine(identity, "text_encoder_dice"));

        // A real fused encoder: a sharpener trained for two steps, exported by `dice export`.
        var withDice = Path.Combine(root, "dice-mini-dice");
        CopyDirectory(folder, withDice);
        var data = Path.Combine(root, "data");
        var sharpener = Path.Combine(root, "sharpener");
        Run(["data", "--out", data, "--count", "8"]);
        Run(["train", "--teacher", Path.Combine(folder, "weights"), "--data", data, "--out", sharpener, "--steps", "2", "--batch", "2",
            "--inner-dim", "16", "--heads", "2", "--checkpoint-every", "2", "--validation-steps", "0"]);
        Run(["export", "--sharpener", sharpener, "--model", withDice]);
    }

    private static void Run(string[] args)
    {
        var result = DiceProcess.Run(args);
        Assert.True(result.ExitCode == 0, $"dice {string.Join(' ', args)} failed: {result.Stderr}");
    }

    /// <summary>The model as `dice mini` wrote it (no text_encoder_dice).</summary>
    public string Folder { get; }

    /// <summary>The model with text_encoder_dice = text_encoder (no alpha input: its strength is fixed).</summary>
    public string WithIdentityDice { get; }

    /// <summary>The model with a real text_encoder_dice (a barely trained sharpener fused by `dice export`).</summary>
    public string WithDice { get; }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        foreach (var sub in Directory.GetDirectories(from))
        {
            CopyDirectory(sub, Path.Combine(to, Path.GetFileName(sub)));
        }
    }

}

[CollectionDefinition(Name)]
public sealed class SmokeModelCollection : ICollectionFixture<SmokeModel>
{
    public const string Name = "smoke dice-mini";
}
