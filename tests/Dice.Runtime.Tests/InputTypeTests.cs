using Dice.Onnx;
using Dice.Runtime.Pipelines;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Dice.Runtime.Tests;

/// <summary>
/// Exporters disagree on dtypes and ranks; the pipeline builds every input from the session's metadata. Here the
/// tiny model's UNet is swapped for graphs declaring other types: out_sample = 0.5·sample + 0·t + 0·Σ context.
/// </summary>
[Collection(TinyOnnxModelCollection.Name)]
public class InputTypeTests(TinyOnnxModel model)
{
    private static void WriteUnet(string path, DataType latents, DataType timestep, TensorDimension[] timestepShape, DataType context)
    {
        var g = new OnnxGraphBuilder("unet");
        g.AddInput("sample", latents, "batch", 4, "height", "width");
        g.AddInput("timestep", timestep, timestepShape);
        g.AddInput("encoder_hidden_states", context, "batch", "sequence", 16);
        g.AddInitializer("half", [0.5f]);
        g.AddInitializer("zero", [0f]);
        g.AddNode("Cast", ["sample"], ["s32"], [OnnxAttribute.Int("to", (long)DataType.Float)]);
        g.AddNode("Cast", ["timestep"], ["t32"], [OnnxAttribute.Int("to", (long)DataType.Float)]);
        g.AddNode("Cast", ["encoder_hidden_states"], ["c32"], [OnnxAttribute.Int("to", (long)DataType.Float)]);
        g.AddNode("ReduceSum", ["c32"], ["csum"], [OnnxAttribute.Int("keepdims", 0)]);
        g.AddNode("Mul", ["t32", "zero"], ["t0"]);
        g.AddNode("ReduceSum", ["t0"], ["tsum"], [OnnxAttribute.Int("keepdims", 0)]);
        g.AddNode("Mul", ["csum", "zero"], ["c0"]);
        g.AddNode("Mul", ["s32", "half"], ["scaled"]);
        g.AddNode("Add", ["scaled", "tsum"], ["a"]);
        g.AddNode("Add", ["a", "c0"], ["b"]);
        g.AddNode("Cast", ["b"], ["out_sample"], [OnnxAttribute.Int("to", (long)latents)]);
        g.AddOutput("out_sample", latents, "batch", 4, "height", "width");
        g.Save(path);
    }

    public static TheoryData<string> Variants => new() { "fp16 latents, float scalar timestep", "float timestep [batch]", "int64 timestep fixed [1]", "fp16 timestep [batch]" };

    [Theory]
    [MemberData(nameof(Variants))]
    public void The_pipeline_feeds_whatever_the_unet_declares(string variant)
    {
        using var dir = new TempDirectory();
        var folder = dir.File("model");
        TinyOnnxModel.CopyDirectory(model.Plain, folder);
        var unet = Path.Combine(folder, "unet", "model.onnx");
        switch (variant)
        {
            case "fp16 latents, float scalar timestep":
                WriteUnet(unet, DataType.Float16, DataType.Float, [], DataType.Float16);
                break;
            case "float timestep [batch]":
                WriteUnet(unet, DataType.Float, DataType.Float, ["batch"], DataType.Float);
                break;
            case "int64 timestep fixed [1]":
                WriteUnet(unet, DataType.Float, DataType.Int64, [1], DataType.Float);
                break;
            default:
                WriteUnet(unet, DataType.Float, DataType.Float16, ["batch"], DataType.Float);
                break;
        }
        using var pipeline = StableDiffusionPipeline.Load(folder);
        var result = pipeline.Generate(new GenerationRequest
        {
            Prompts = ["a", "b"],
            Mode = GenerationMode.Cfg,
            Steps = 3,
            Height = 32,
            Width = 32,
        });
        Assert.Equal(3, result.UnetCalls);
        Assert.All(result.UnetBatchSizes, b => Assert.Equal(4, b));
        Assert.Equal(2, result.Images.Count);
    }

    [Fact]
    public void Int64_token_ids_are_fed_when_the_text_encoder_declares_them()
    {
        using var dir = new TempDirectory();
        var folder = dir.File("model");
        TinyOnnxModel.CopyDirectory(model.Plain, folder);
        var g = new OnnxGraphBuilder("text_encoder");
        g.AddInput("input_ids", DataType.Int64, "batch", "sequence");
        var table = new float[49408 * 16];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = (i % 97) / 97f;
        }
        g.AddInitializer("table", table, 49408, 16);
        g.AddNode("Gather", ["table", "input_ids"], ["last_hidden_state"]);
        g.AddOutput("last_hidden_state", DataType.Float, "batch", "sequence", 16);
        g.Save(Path.Combine(folder, "text_encoder", "model.onnx"));

        using var pipeline = StableDiffusionPipeline.Load(folder);
        var result = pipeline.Generate(new GenerationRequest { Prompts = ["a cat"], Mode = GenerationMode.Unguided, Steps = 2, Height = 32, Width = 32 });
        Assert.Equal(2, result.UnetCalls);
        Assert.Single(result.Images);
    }
}
