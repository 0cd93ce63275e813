using System.Text;
using Dice.Models.Weights;
using Dice.Runtime;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Dice.Cli.Tests;

public class ConvertCommandTests
{
    private static void AssertNothingWritten(string parent, string output)
    {
        Assert.False(Directory.Exists(output), $"{output} must not exist after a failed conversion");
        Assert.Empty(Directory.EnumerateFileSystemEntries(parent, "*.dice-tmp"));
    }

    [Fact]
    public void A_diffusers_folder_converts_to_a_folder_onnx_runtime_runs()
    {
        using var dir = new TempDirectory();
        var weights = dir.File("weights");
        TinyDiffusersFolder.Create(weights);
        var output = dir.File("onnx");

        var r = DiceProcess.Run(["convert", weights, "--out", output]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        foreach (var component in new[] { "text_encoder", "unet", "vae_decoder", "vae_encoder" })
        {
            Assert.True(File.Exists(Path.Combine(output, component, "model.onnx")), component);
            Assert.True(File.Exists(Path.Combine(output, component, "config.json")), component);
        }
        Assert.True(File.Exists(Path.Combine(output, "tokenizer", "vocab.json")));
        Assert.True(File.Exists(Path.Combine(output, "scheduler", "scheduler_config.json")));
        Assert.Contains("\"unet\"", File.ReadAllText(Path.Combine(output, "model_index.json")), StringComparison.Ordinal);
        Assert.Matches(@"unet: [\d,]+ parameters", r.Stdout);

        using var options = SessionOptionsFactory.Create(new RuntimeOptions());
        using var session = new InferenceSession(Path.Combine(output, "unet", "model.onnx"), options);
        using var sample = OrtValue.CreateTensorValueFromMemory(new float[2 * 4 * 8 * 8], [2, 4, 8, 8]);
        Assert.Equal(TensorElementType.Float, session.InputMetadata["timestep"].ElementDataType);
        using var timestep = OrtValue.CreateTensorValueFromMemory(new float[] { 999.5f }, [1]);
        using var context = OrtValue.CreateTensorValueFromMemory(new float[2 * 77 * 16], [2, 77, 16]);
        using var result = session.Run(new RunOptions(), ["sample", "timestep", "encoder_hidden_states"], [sample, timestep, context], ["out_sample"]);
        Assert.Equal([2L, 4, 8, 8], result[0].GetTensorTypeAndShape().Shape);
        Assert.All(result[0].GetTensorDataAsSpan<float>().ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Float16_conversion_writes_half_precision_inputs()
    {
        using var dir = new TempDirectory();
        var weights = dir.File("weights");
        TinyDiffusersFolder.Create(weights);
        var output = dir.File("onnx16");
        var r = DiceProcess.Run(["convert", weights, "--out", output, "--dtype", "fp16", "--components", "unet"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var inspect = DiceProcess.Run(["inspect", output]);
        Assert.Contains("in   sample: float16[batch, 4, height, width]", inspect.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(output, "text_encoder")));
    }

    [Fact]
    public void A_missing_tensor_is_named_and_nothing_is_written()
    {
        using var dir = new TempDirectory();
        var weights = dir.File("weights");
        TinyDiffusersFolder.Create(weights, tensors => tensors.Where(t => t.Name != "conv_in.bias"));
        var output = dir.File("onnx");
        var r = DiceProcess.Run(["convert", weights, "--out", output]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("conv_in.bias", r.Stderr, StringComparison.Ordinal);
        AssertNothingWritten(dir.Path, output);
    }

    [Fact]
    public void An_unknown_block_type_is_named_and_nothing_is_written()
    {
        using var dir = new TempDirectory();
        var weights = dir.File("weights");
        TinyDiffusersFolder.Create(weights);
        var config = Path.Combine(weights, "unet", "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"DownBlock2D\"", "\"SimpleCrossAttnDownBlock2D\"", StringComparison.Ordinal));
        var output = dir.File("onnx");
        var r = DiceProcess.Run(["convert", weights, "--out", output]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("SimpleCrossAttnDownBlock2D", r.Stderr, StringComparison.Ordinal);
        AssertNothingWritten(dir.Path, output);
    }

    [Fact]
    public void A_truncated_checkpoint_is_reported_and_nothing_is_written()
    {
        using var dir = new TempDirectory();
        var weights = dir.File("weights");
        TinyDiffusersFolder.Create(weights);
        var file = Path.Combine(weights, "vae", "diffusion_pytorch_model.safetensors");
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length - 100)]);
        var output = dir.File("onnx");
        var r = DiceProcess.Run(["convert", weights, "--out", output]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("truncated", r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        AssertNothingWritten(dir.Path, output);
    }

    [Fact]
    public void Overlapping_offsets_are_reported_and_nothing_is_written()
    {
        using var dir = new TempDirectory();
        var weights = dir.File("weights");
        TinyDiffusersFolder.Create(weights);
        var file = Path.Combine(weights, "text_encoder", "model.safetensors");
        var bytes = File.ReadAllBytes(file);
        var headerLength = (int)BitConverter.ToUInt64(bytes, 0);
        var header = Encoding.UTF8.GetString(bytes, 8, headerLength);
        // Point the second tensor's data at the first one's bytes, keeping the header's length.
        var first = header.IndexOf("\"data_offsets\":[", StringComparison.Ordinal);
        var second = header.IndexOf("\"data_offsets\":[", first + 1, StringComparison.Ordinal);
        var end = header.IndexOf(']', second);
        var original = header[second..(end + 1)];
        var begin = long.Parse(original.Split('[', ',')[1], System.Globalization.CultureInfo.InvariantCulture);
        var stop = long.Parse(original.Split(',', ']')[1], System.Globalization.CultureInfo.InvariantCulture);
        var shifted = $"\"data_offsets\":[{begin - 4},{stop - 4}]";
        var patched = header[..second] + shifted + new string(' ', original.Length - shifted.Length) + header[(end + 1)..];
        Assert.Equal(header.Length, patched.Length);
        Encoding.UTF8.GetBytes(patched).CopyTo(bytes, 8);
        File.WriteAllBytes(file, bytes);

        var output = dir.File("onnx");
        var r = DiceProcess.Run(["convert", weights, "--out", output]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("overlap", r.Stderr, StringComparison.OrdinalIgnoreCase);
        AssertNothingWritten(dir.Path, output);
    }

    [Fact]
    public void An_existing_output_needs_force()
    {
        using var dir = new TempDirectory();
        var weights = dir.File("weights");
        TinyDiffusersFolder.Create(weights);
        var output = Directory.CreateDirectory(dir.File("onnx")).FullName;
        File.WriteAllText(Path.Combine(output, "keep.txt"), "mine");
        var r = DiceProcess.Run(["convert", weights, "--out", output, "--components", "vae_decoder"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("already exists", r.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "keep.txt")));

        var forced = DiceProcess.Run(["convert", weights, "--out", output, "--components", "vae_decoder", "--force"]);
        Assert.True(forced.ExitCode == 0, forced.Stderr);
        Assert.True(File.Exists(Path.Combine(output, "vae_decoder", "model.onnx")));
    }

    [Theory]
    [InlineData("--preset", "sd15")]
    [InlineData("--dtype", "fp8")]
    public void Bad_options_are_one_line_errors(string option, string value)
    {
        using var dir = new TempDirectory();
        var args = option == "--preset"
            ? new[] { "convert", option, value, "--out", dir.File("x") }
            : new[] { "convert", dir.Path, option, value, "--out", dir.File("x") };
        var r = DiceProcess.Run(args);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.StartsWith("dice: ", r.Stderr, StringComparison.Ordinal);
    }
}
