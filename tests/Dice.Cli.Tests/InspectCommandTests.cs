using System.Text.Json;
using Dice.Onnx;
using Onnx;

namespace Dice.Cli.Tests;

public class InspectCommandTests
{
    /// <summary>A model folder whose unet is a tiny graph with the UNet's input names and 10 + 2 parameters.</summary>
    private static void WriteTinyUnet(string root)
    {
        var builder = new OnnxGraphBuilder("unet");
        builder.AddInput("sample", TensorProto.Types.DataType.Float, "batch", 4, "height", "width");
        builder.AddInput("timestep", TensorProto.Types.DataType.Int64, "batch");
        builder.AddInitializer("w", new float[10], 10);
        builder.AddInitializer("b", new float[2], 2);
        builder.AddNode("Identity", ["sample"], ["out_sample"]);
        builder.AddOutput("out_sample", TensorProto.Types.DataType.Float, "batch", 4, "height", "width");
        builder.SetMetadata("dice.component", "unet");
        Directory.CreateDirectory(Path.Combine(root, "unet"));
        builder.Save(Path.Combine(root, "unet", "model.onnx"));
    }

    [Fact]
    public void Inspect_lists_components_inputs_outputs_and_parameters()
    {
        using var dir = new TempDirectory();
        WriteTinyUnet(dir.Path);
        var r = DiceProcess.Run(["inspect", dir.Path]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("unet: 12 parameters", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("in   sample: float[batch, 4, height, width]", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("in   timestep: int64[batch]", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("out  out_sample: float[batch, 4, height, width]", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("tokenizer     missing", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("DICE          no text_encoder_dice", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_json_is_machine_readable()
    {
        using var dir = new TempDirectory();
        WriteTinyUnet(dir.Path);
        var r = DiceProcess.Run(["inspect", dir.Path, "--json"]);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var unet = doc.RootElement.GetProperty("Components")[0];
        Assert.Equal("unet", unet.GetProperty("Name").GetString());
        Assert.Equal(12, unet.GetProperty("Summary").GetProperty("ParameterCount").GetInt64());
        Assert.Equal("unet", unet.GetProperty("Summary").GetProperty("Metadata").GetProperty("dice.component").GetString());
    }

    [Fact]
    public void A_missing_folder_is_one_line_and_exit_code_2()
    {
        var r = DiceProcess.Run(["inspect", "/nonexistent/model"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("dice: model folder /nonexistent/model does not exist", r.Stderr.Trim());
    }

    [Fact]
    public void A_folder_without_models_says_what_is_expected()
    {
        using var dir = new TempDirectory();
        var r = DiceProcess.Run(["inspect", dir.Path]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is not an ONNX model folder", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("dice convert", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_model_file_is_reported()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "unet"));
        File.WriteAllBytes(Path.Combine(dir.Path, "unet", "model.onnx"), [0xff, 0xff, 0xff, 0x01, 0x02]);
        var r = DiceProcess.Run(["inspect", dir.Path]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is not a valid ONNX model", r.Stderr, StringComparison.Ordinal);
    }
}
