namespace Dice.Sharpener.Tests;

[Collection(TinyOnnxModelCollection.Name)]
public sealed class TrainCommandTests(TinyOnnxModel model, DatasetFixture data) : IClassFixture<DatasetFixture>
{
    private static string[] Args(string teacher, string dataPath, string output) =>
        ["train", "--teacher", teacher, "--data", dataPath, "--out", output, "--steps", "2", "--batch", "2", "--inner-dim", "32", "--heads", "4",
            "--image-size", "64", "--checkpoint-every", "1"];

    [Fact]
    public void A_short_run_writes_the_sharpener()
    {
        using var temp = new TempDirectory();
        var output = temp.File("sharpener");
        var r = DiceProcess.Run(Args(model.Weights, data.Folder, output));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("final loss", r.Stdout, StringComparison.Ordinal);
        Assert.Contains(Path.GetFullPath(output), r.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "sharpener.safetensors")));
        Assert.True(File.Exists(Path.Combine(output, "config.json")));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(output + ".checkpoints", "loss.jsonl")).Length);

        var again = DiceProcess.Run([.. Args(model.Weights, data.Folder, output), "--resume"]);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("already trained to step 2", again.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing-teacher", "does not exist")]
    [InlineData("teacher-without-unet", "unet")]
    [InlineData("missing-data", "does not exist")]
    [InlineData("malformed-metadata", "line 33")]
    public void Bad_inputs_are_one_line_errors_and_write_nothing(string kind, string reason)
    {
        using var temp = new TempDirectory();
        var teacher = model.Weights;
        var dataPath = data.Folder;
        switch (kind)
        {
            case "missing-teacher":
                teacher = temp.File("nowhere");
                break;
            case "teacher-without-unet":
                teacher = temp.File("teacher");
                TinyOnnxModel.CopyDirectory(model.Weights, teacher);
                Directory.Delete(Path.Combine(teacher, "unet"), recursive: true);
                break;
            case "missing-data":
                dataPath = temp.File("no-data");
                break;
            case "malformed-metadata":
                dataPath = temp.File("data");
                TinyOnnxModel.CopyDirectory(data.Folder, dataPath);
                File.AppendAllText(Path.Combine(dataPath, "metadata.jsonl"), "{\"file_name\": \n");
                break;
        }
        var output = temp.File("sharpener");
        var r = DiceProcess.Run(Args(teacher, dataPath, output));
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains(reason, r.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
        Assert.False(Directory.Exists(output + ".checkpoints"));
    }
}
