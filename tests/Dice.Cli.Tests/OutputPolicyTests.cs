using System.Text.Json;

namespace Dice.Cli.Tests;

/// <summary>
/// One output policy for every writing verb: an output that cannot be written (its folder missing, a file, or not
/// writable) and an existing output without --force are each one `dice:` line and exit 2, found before any model is
/// loaded, with nothing written; --force replaces.
/// </summary>
[Collection(TinyOnnxModelCollection.Name)]
public sealed class OutputPolicyTests(TinyOnnxModel model, DatasetFixture data) : IClassFixture<DatasetFixture>
{
    /// <summary>The verb's command line writing to <paramref name="output"/>, in a scratch folder for its other inputs.</summary>
    private string[] Command(string verb, string output, TempDirectory scratch) => verb switch
    {
        // A model folder that does not exist: the output check must come first for these rows to see it.
        "generate" => ["generate", "a red circle", "--model", scratch.File("no-model"), "--steps", "2", "--out", output],
        "convert" => ["convert", model.Weights, "--out", output],
        "data" => ["data", "--out", output, "--count", "2", "--image-size", "8"],
        "mini" => ["mini", "--scale", "smoke", "--out", output],
        "train" => ["train", "--teacher", model.Weights, "--data", data.Folder, "--out", output, "--steps", "1", "--batch", "2",
            "--inner-dim", "32", "--heads", "4", "--image-size", "64", "--validation-steps", "0"],
        "eval" => ["eval", "--model", scratch.File("no-model"), "--count", "1", "--out", output],
        "tune" => ["tune", "--weights", Directory.CreateDirectory(scratch.File("weights")).FullName, "--steps", "1", "--loss-log", output],
        _ => throw new ArgumentOutOfRangeException(nameof(verb), verb, "no command"),
    };

    private static string OutputName(string verb) => verb switch
    {
        "generate" => "out.png",
        "tune" => "loss.jsonl",
        _ => "out",
    };

    public static TheoryData<string, string> UnusableOutputs()
    {
        var rows = new TheoryData<string, string>();
        foreach (var verb in new[] { "generate", "convert", "data", "mini", "train", "eval", "tune" })
        {
            foreach (var problem in new[] { "missing folder", "file as folder", "read-only folder" })
            {
                rows.Add(verb, problem);
            }
        }
        return rows;
    }

    [Theory]
    [MemberData(nameof(UnusableOutputs))]
    public void An_output_that_cannot_be_written_is_one_line_and_exit_2_before_any_work(string verb, string problem)
    {
        using var scratch = new TempDirectory();
        using var dir = new TempDirectory();
        var (parent, expected) = problem switch
        {
            "missing folder" => (dir.File("missing"), "does not exist: create it first"),
            "file as folder" => (dir.File("a-file"), "is a file, not a folder"),
            // /sys refuses new files to every user, root included, so this row holds wherever the tests run.
            _ => ("/sys", "is not writable"),
        };
        if (problem == "file as folder")
        {
            File.WriteAllText(parent, "x");
        }
        var before = dir.FileNames();
        var output = Path.Combine(parent, OutputName(verb));
        var r = DiceProcess.Run(Command(verb, output, scratch));
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("dice: ", line, StringComparison.Ordinal);
        Assert.Contains(output, line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain(".dice-", line, StringComparison.Ordinal);
        Assert.Equal(before, dir.FileNames());
    }

    public static TheoryData<string, string> ExistingOutputs => new()
    {
        { "generate", "out.png" },
        { "generate", "out.json" },
        { "convert", "out/keep.txt" },
        { "data", "out/keep.txt" },
        { "mini", "out/keep.txt" },
        { "train", "out/keep.txt" },
        { "train", "out.checkpoints/keep.txt" },
        { "eval", "out/eval.json" },
        { "tune", "loss.jsonl" },
    };

    [Theory]
    [MemberData(nameof(ExistingOutputs))]
    public void An_existing_output_is_refused_without_force_with_the_same_message_in_every_verb(string verb, string existing)
    {
        using var scratch = new TempDirectory();
        using var dir = new TempDirectory();
        var file = dir.File(existing);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "earlier");
        var before = Directory.GetFileSystemEntries(dir.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        var output = dir.File(OutputName(verb));
        var r = DiceProcess.Run(Command(verb, output, scratch));

        Assert.Equal(2, r.ExitCode);
        // The path named is what is in the way: the file itself, or the folder holding it.
        // (eval writes named files into its folder, so the file).
        var inTheWay = existing.Contains('/', StringComparison.Ordinal) && verb != "eval" ? dir.File(existing.Split('/')[0]) : file;
        var keep = verb == "train" ? "--resume to continue it, " : "";
        Assert.Equal($"dice: {inTheWay} already exists: add {keep}--force to replace it, or choose another path\n", r.Stderr);
        Assert.Equal("earlier", File.ReadAllText(file));
        Assert.Equal(before, Directory.GetFileSystemEntries(dir.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Export_refuses_to_replace_a_dice_encoder_without_force()
    {
        using var dir = new TempDirectory();
        var folder = dir.File("model");
        TinyOnnxModel.CopyDirectory(model.WithDice, folder);
        var r = DiceProcess.Run(["export", "--sharpener", dir.File("no-sharpener"), "--model", folder]);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"dice: {Path.Combine(folder, "text_encoder_dice")} already exists: add --force to replace it, or choose another path\n",
            r.Stderr);
    }

    [Fact]
    public void Force_replaces_an_existing_image_and_sidecar()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("out.png"), "not a png");
        File.WriteAllText(dir.File("out.json"), "{}");
        var r = DiceProcess.Run(["generate", "a red circle", "--model", model.Plain, "--mode", "unguided", "--steps", "2", "--height", "32",
            "--width", "32", "--out", dir.File("out.png"), "--force"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(["out.png"], RunArtifacts.AssertPairsMatch(dir.Path));
        Assert.Equal(["out.json", "out.png"], dir.FileNames());
    }

    [Fact]
    public void A_sidecar_whose_image_is_gone_is_an_unfinished_pair_but_still_reruns_with_from()
    {
        using var dir = new TempDirectory();
        string[] generate = ["generate", "a red circle", "--model", model.Plain, "--mode", "unguided", "--steps", "2", "--height", "32",
            "--width", "32", "--out", dir.File("out.png")];
        Assert.Equal(0, DiceProcess.Run(generate).ExitCode);
        var image = File.ReadAllBytes(dir.File("out.png"));

        // Rerunning the sidecar whose image was deleted: the sidecar is the input, so it is kept, and its --out needs --force.
        File.Delete(dir.File("out.png"));
        string[] from = ["generate", "--from", dir.File("out.json"), "--out", dir.File("out.png")];
        var refused = DiceProcess.Run(from);
        Assert.Equal(2, refused.ExitCode);
        Assert.True(File.Exists(dir.File("out.json")));
        var rerun = DiceProcess.Run([.. from, "--force"]);
        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        Assert.Equal(image, File.ReadAllBytes(dir.File("out.png")));

        // A plain run onto a sidecar whose image is gone (what a kill between the two renames leaves) needs no --force.
        File.Delete(dir.File("out.png"));
        var again = DiceProcess.Run(generate);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(["out.png"], RunArtifacts.AssertPairsMatch(dir.Path));
    }

    [Fact]
    public void Force_replaces_an_existing_dataset_folder()
    {
        using var dir = new TempDirectory();
        var output = dir.File("out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "keep.txt"), "earlier");
        var r = DiceProcess.Run(["data", "--out", output, "--count", "2", "--image-size", "8", "--force"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.False(File.Exists(Path.Combine(output, "keep.txt")));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(output, "metadata.jsonl")).Length);
        Assert.Equal(["out"], dir.FileNames());
    }

    [Fact]
    public void Force_starts_a_training_run_again_and_resume_with_force_is_refused()
    {
        using var dir = new TempDirectory();
        var output = dir.File("out");
        using var scratch = new TempDirectory();
        var first = DiceProcess.Run(Command("train", output, scratch));
        Assert.True(first.ExitCode == 0, first.Stderr);
        // Marks the earlier run's folders, so their replacement shows.
        File.WriteAllText(Path.Combine(output, "earlier.txt"), "");
        File.WriteAllText(Path.Combine(output + ".checkpoints", "earlier.txt"), "");

        var both = DiceProcess.Run([.. Command("train", output, scratch), "--resume", "--force"]);
        Assert.Equal(2, both.ExitCode);
        Assert.Single(both.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        var again = DiceProcess.Run([.. Command("train", output, scratch), "--force"]);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.False(File.Exists(Path.Combine(output, "earlier.txt")));
        Assert.False(File.Exists(Path.Combine(output + ".checkpoints", "earlier.txt")));
        Assert.True(File.Exists(Path.Combine(output, "sharpener.safetensors")));
        var steps = File.ReadAllLines(Path.Combine(output + ".checkpoints", "loss.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("step").GetInt64());
        Assert.Equal([1L], steps);
    }
}
