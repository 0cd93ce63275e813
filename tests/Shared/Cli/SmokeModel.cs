
namespace Dice.Tests.Shared;

/// <summary>
/// A smoke-scale dice-mini (tiny models, a few training steps, classifier included) made once by `dice mini`, plus a
/// copy whose text_encoder_dice is the plain text encoder: DICE through it must give exactly the unguided images.
/// </summary>
public sealed class SmokeModel : IDisposable
{
    private readonly TempDirectory directory = new();

    public SmokeModel()
    {
        Folder = directory.File("dice-mini");
        var result = DiceProcess.Run(["mini", "--scale", "smoke", "--out", Folder]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        WithIdentityDice = directory.File("dice-mini-identity");
        CopyDirectory(Folder, WithIdentityDice);
        CopyDirectory(Path.Combine(Folder, "text_encoder"), Path.Combine(WithIdentityDice, "text_encoder_dice"));

        // A real fused encoder: a sharpener trained for two steps, exported by `dice export`.
        WithDice = directory.File("dice-mini-dice");
        CopyDirectory(Folder, WithDice);
        var data = directory.File("data");
        var sharpener = directory.File("sharpener");
        Run(["data", "--out", data, "--count", "8"]);
        Run(["train", "--teacher", Path.Combine(Folder, "weights"), "--data", data, "--out", sharpener, "--steps", "2", "--batch", "2",
            "--inner-dim", "16", "--heads", "2", "--checkpoint-every", "2", "--validation-steps", "0"]);
        Run(["export", "--sharpener", sharpener, "--model", WithDice]);
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

    public void Dispose() => directory.Dispose();
}

[CollectionDefinition(Name)]
public sealed class SmokeModelCollection : ICollectionFixture<SmokeModel>
{
    public const string Name = "smoke dice-mini";
}
