using System.Text.Json;

namespace Dice.Cli.Tests;

/// <summary>
/// Fault injection: each row runs a verb with DICE_KILL_AT set to one of its kill points, so the process dies by SIGKILL
/// (exit 137) there, as under `kill -9`. Every file then at a final path must be complete (read back by its format's own
/// reader; a generated image always with the sidecar that records its SHA-256), and the same command run again (with
/// --resume for train, --force where an earlier complete output is in the way) must succeed and leave no temporary
/// files, staging folders or lock files behind.
/// </summary>
[Collection(TinyOnnxModelCollection.Name)]
public sealed class InterruptedRunTests(TinyOnnxModel model, DatasetFixture data, SmokeModel smoke) : IClassFixture<DatasetFixture>, IClassFixture<SmokeModel>
{
    private const int Killed = 137;

    /// <summary>The kill points, by verb. README counts these rows.</summary>
    public static TheoryData<string, string> KillPoints => new()
    {
        { "generate", "generate.between-sidecar-and-image:2" },
        { "generate", "generate.image-written:1" },
        { "train", "checkpoint.mid-write:2" },
        { "train", "checkpoint.saved:1" },
        { "train", "loss-log.mid-line:2" },
        { "tune", "tune.between-saves" },
        { "convert", "onnx.external-data-written:2" },
        { "export", "export.staged" },
        { "export", "export.component-moved:1" },
        { "data", "data.batch-written:1" },
    };

    private sealed record Scenario(string[] Args, string[] Rerun, string Folder, string[] Outputs);

    [Theory]
    [MemberData(nameof(KillPoints))]
    public void A_run_killed_at_a_kill_point_leaves_only_complete_files_and_the_next_run_succeeds(string verb, string point)
    {
        using var dir = new TempDirectory();
        var scenario = Prepare(verb, dir);

        var killed = DiceProcess.Run(scenario.Args, new Dictionary<string, string> { ["DICE_KILL_AT"] = point });
        Assert.True(killed.ExitCode == Killed, $"expected SIGKILL at {point}, got exit {killed.ExitCode}: {killed.Stderr}");
        foreach (var output in scenario.Outputs)
        {
            RunArtifacts.AssertComplete(output, tornLogTail: true);
        }
        if (verb == "generate")
        {
            RunArtifacts.AssertPairsMatch(scenario.Folder);
        }

        var again = DiceProcess.Run(scenario.Rerun);
        Assert.True(again.ExitCode == 0, $"rerun after a kill at {point}: {again.Stderr}");
        foreach (var output in scenario.Outputs)
        {
            RunArtifacts.AssertComplete(output);
        }
        Assert.Empty(RunArtifacts.Leftovers(scenario.Folder));
        switch (verb)
        {
            case "generate":
                Assert.Equal(["out-0.png", "out-1.png"], RunArtifacts.AssertPairsMatch(scenario.Folder));
                break;
            case "train":
                // The resumed log reads as one uninterrupted run: steps 1, 2, 3 once each.
                var steps = File.ReadAllLines(Path.Combine(dir.File("sharpener.checkpoints"), "loss.jsonl"))
                    .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("step").GetInt64());
                Assert.Equal([1L, 2L, 3L], steps);
                Assert.True(File.Exists(Path.Combine(dir.File("sharpener"), "sharpener.safetensors")));
                break;
            case "export":
                Assert.True(File.Exists(Path.Combine(dir.File("model"), "text_encoder_dice", "model.onnx")));
                break;
            case "convert":
                Assert.True(File.Exists(Path.Combine(dir.File("onnx"), "unet", "model.onnx")));
                break;
            case "data":
                Assert.Equal(300, File.ReadAllLines(Path.Combine(dir.File("data"), "metadata.jsonl")).Length);
                break;
        }
    }

    private Scenario Prepare(string verb, TempDirectory dir)
    {
        switch (verb)
        {
            case "generate":
            {
                string[] args = ["generate", "a red circle", "--model", model.Plain, "--mode", "unguided", "--steps", "2", "--batch", "2",
                    "--height", "32", "--width", "32", "--out", dir.File("out.png")];
                return new Scenario(args, [.. args, "--force"], dir.Path, [dir.Path]);
            }
            case "train":
            {
                string[] args = [.. TrainArgs(dir.File("sharpener")), "--steps", "3"];
                return new Scenario(args, [.. args, "--resume"], dir.Path, [dir.File("sharpener"), dir.File("sharpener.checkpoints")]);
            }
            case "tune":
            {
                var weights = dir.File("weights");
                TinyOnnxModel.CopyDirectory(Path.Combine(smoke.Folder, "weights"), weights);
                string[] args = ["tune", "--weights", weights, "--steps", "1", "--batch", "2"];
                return new Scenario(args, args, dir.Path, [weights]);
            }
            case "convert":
            {
                string[] args = ["convert", model.Weights, "--out", dir.File("onnx")];
                return new Scenario(args, args, dir.Path, [dir.File("onnx")]);
            }
            case "export":
            {
                var sharpener = dir.File("sharpener");
                var trained = DiceProcess.Run([.. TrainArgs(sharpener), "--steps", "1"]);
                Assert.True(trained.ExitCode == 0, trained.Stderr);
                TinyOnnxModel.CopyDirectory(model.Plain, dir.File("model"));
                string[] args = ["export", "--sharpener", sharpener, "--model", dir.File("model")];
                return new Scenario(args, [.. args, "--force"], dir.File("model"), [dir.File("model")]);
            }
            case "data":
            {
                string[] args = ["data", "--out", dir.File("data"), "--count", "300", "--image-size", "8"];
                return new Scenario(args, args, dir.Path, [dir.File("data")]);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(verb), verb, "no scenario");
        }
    }

    private string[] TrainArgs(string output) =>
        ["train", "--teacher", model.Weights, "--data", data.Folder, "--out", output, "--batch", "2", "--inner-dim", "32", "--heads", "4",
            "--image-size", "64", "--checkpoint-every", "1", "--validation-steps", "0"];
}
