using System.Text.Json;

namespace Dice.Cli.Tests;

/// <summary>
/// Runs started together on one output: the exclusive lock lets one write it; each other run exits 2 with one line
/// (another run holds the output, or, if it started after that run ended, the output now exists), and what is left is
/// the complete output of runs that succeeded, never a mix.
/// </summary>
[Collection(TinyOnnxModelCollection.Name)]
public sealed class ConcurrentRunTests(TinyOnnxModel model, DatasetFixture data) : IClassFixture<DatasetFixture>
{
    private static DiceProcess.Result[] RunTogether(int count, Func<int, string[]> args) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(() => DiceProcess.Run(args(i))))).GetAwaiter().GetResult();

    /// <summary>Each run either succeeded or was refused with one `dice:` line about the held or existing output.</summary>
    private static int AssertOneWinsOrAllRefusedCleanly(DiceProcess.Result[] results)
    {
        foreach (var r in results.Where(r => r.ExitCode != 0))
        {
            Assert.Equal(2, r.ExitCode);
            var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("dice: ", line, StringComparison.Ordinal);
            Assert.True(line.Contains("another dice run is writing it", StringComparison.Ordinal)
                || line.Contains("already exists", StringComparison.Ordinal), line);
        }
        return results.Count(r => r.ExitCode == 0);
    }

    [Fact]
    public void Two_trainings_into_one_out_never_both_run()
    {
        using var dir = new TempDirectory();
        var output = dir.File("sharpener");
        var results = RunTogether(2, _ => ["train", "--teacher", model.Weights, "--data", data.Folder, "--out", output, "--steps", "3",
            "--batch", "2", "--inner-dim", "32", "--heads", "4", "--image-size", "64", "--checkpoint-every", "1", "--validation-steps", "0"]);
        Assert.Equal(1, AssertOneWinsOrAllRefusedCleanly(results));
        var steps = File.ReadAllLines(Path.Combine(output + ".checkpoints", "loss.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("step").GetInt64());
        Assert.Equal([1L, 2L, 3L], steps);
        Assert.Empty(RunArtifacts.Leftovers(dir.Path));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Four_generates_into_one_out_leave_every_image_with_its_own_sidecar(bool force)
    {
        using var dir = new TempDirectory();
        // Different seeds, so images from different runs differ and a mixed pair would show.
        var results = RunTogether(4, i => ["generate", "a red circle", "--model", model.Plain, "--mode", "unguided", "--steps", "2",
            "--batch", "2", "--height", "32", "--width", "32", "--seed", i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--out", dir.File("out.png"), .. force ? new[] { "--force" } : []]);
        var succeeded = AssertOneWinsOrAllRefusedCleanly(results);
        Assert.True(force ? succeeded >= 1 : succeeded == 1, $"{succeeded} runs succeeded");
        Assert.Equal(["out-0.png", "out-1.png"], RunArtifacts.AssertPairsMatch(dir.Path));
        // Both images of the batch come from the same run: their sidecars record one seed.
        var seeds = new[] { "out-0.json", "out-1.json" }
            .Select(f => JsonDocument.Parse(File.ReadAllText(dir.File(f))).RootElement.GetProperty("seed").GetUInt64()).Distinct();
        Assert.Single(seeds);
        Assert.Empty(RunArtifacts.Leftovers(dir.Path));
    }

    [Fact]
    public void Two_conversions_into_one_out_leave_one_complete_folder()
    {
        using var dir = new TempDirectory();
        var output = dir.File("onnx");
        var results = RunTogether(2, _ => ["convert", model.Weights, "--out", output, "--force"]);
        Assert.True(AssertOneWinsOrAllRefusedCleanly(results) >= 1);
        RunArtifacts.AssertComplete(output);
        Assert.True(File.Exists(Path.Combine(output, "unet", "model.onnx")));
        Assert.Empty(RunArtifacts.Leftovers(dir.Path));
    }

    [Fact]
    public void Two_datasets_into_one_out_leave_one_complete_folder()
    {
        using var dir = new TempDirectory();
        var output = dir.File("data");
        var results = RunTogether(2, _ => ["data", "--out", output, "--count", "300", "--image-size", "8"]);
        Assert.Equal(1, AssertOneWinsOrAllRefusedCleanly(results));
        Assert.Equal(300, File.ReadAllLines(Path.Combine(output, "metadata.jsonl")).Length);
        Assert.Empty(RunArtifacts.Leftovers(dir.Path));
    }
}
