using Dice.Runtime.Pipelines;
using Dice.Models;
using Dice.Models.Clip;
using Dice.Models.Sharpener;
using Dice.Models.Weights;
using Dice.Runtime;
using Dice.Core.Tokenization;
using Dice.Trainer;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace Dice.Exporter.Tests;

/// <summary>
/// The fused text_encoder_dice against eager libtorch: c + alpha·r(c, c_n) − beta·(c_n − c_null), token 0 kept,
/// on the tiny model (CLIP width 16) with a seeded sharpener.
/// </summary>
[Collection(TinyOnnxModelCollection.Name)]
public sealed class DiceFusionTests(TinyOnnxModel model) : IDisposable
{
    private readonly TempDirectory directory = new();

    private static readonly SharpenerConfig Config = new(16, 8, 2);

    private string Sharpener(SharpenerConfig config, string name)
    {
        var folder = Directory.CreateDirectory(directory.File(name)).FullName;
        using var ops = new TorchOps(seed: 11);
        _ = new DiceSharpener<Tensor>(ops, config);
        ops.Save(Path.Combine(folder, SharpenerExporter.WeightsFile));
        File.WriteAllText(Path.Combine(folder, SharpenerConfig.FileName), config.ToJson());
        return folder;
    }

    private string FusedModel()
    {
        var folder = directory.File("model");
        TinyOnnxModel.CopyDirectory(model.Plain, folder);
        SharpenerExporter.Export(Sharpener(Config, "sharpener"), folder, OnnxTextEncoding.LastHiddenState);
        return folder;
    }

    private static float[] Run(string path, IReadOnlyDictionary<string, OrtValue> feeds, string output = "last_hidden_state")
    {
        using var options = SessionOptionsFactory.Create(new RuntimeOptions());
        using var session = new InferenceSession(path, options);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, feeds.Keys.ToArray(), feeds.Values.ToArray(), [output]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>Eager reference: CLIP and the sharpener on libtorch with the same weights.</summary>
    private float[] Reference(int[][] ids, int[][]? negative, double alpha, double beta, string sharpenerFolder)
    {
        using var ops = new TorchOps();
        var clip = new ClipTextModel<Tensor>(ops, TinyDiffusersFolder.TextEncoder);
        var sharpener = new DiceSharpener<Tensor>(ops, Config, "sharpener");
        using (var source = WeightSource.Open(Path.Combine(model.Weights, "text_encoder"),
                   o => _ = new ClipTextModel<ParameterInventory.Declared>(o, TinyDiffusersFolder.TextEncoder)))
        {
            // Load only the CLIP part: the sharpener's parameters come from its own checkpoint below.
            using var clipOnly = new TorchOps();
            _ = new ClipTextModel<Tensor>(clipOnly, TinyDiffusersFolder.TextEncoder);
            clipOnly.Load(source);
            using var sharpOnly = new TorchOps();
            _ = new DiceSharpener<Tensor>(sharpOnly, Config);
            using (var s = WeightSource.Open(Path.Combine(sharpenerFolder, SharpenerExporter.WeightsFile),
                       o => _ = new DiceSharpener<ParameterInventory.Declared>(o, Config)))
            {
                sharpOnly.Load(s);
            }
            var all = new Dictionary<string, Tensor>(clipOnly.StateDict());
            foreach (var (name, t) in sharpOnly.StateDict())
            {
                all["sharpener." + name] = t;
            }
            ops.LoadStateDict(all);
        }
        using var scope = NewDisposeScope();
        Tensor Embed(int[][] rows) => clip.Forward(tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length])).LastHiddenState;
        var tokenizer = ClipTokenizer.Load(Path.Combine(model.Plain, "tokenizer"));
        var c = Embed(ids);
        var cNull = Embed([tokenizer.Tokenize("")]);
        var cNegative = negative is null ? cNull : Embed(negative);
        var update = sharpener.Forward(c, cNegative).Times(alpha) - (cNegative - cNull).Times(beta);
        var mask = ones([1, ids[0].Length, 1]);
        using (no_grad())
        {
            mask.narrow(1, 0, 1).zero_();
        }
        return c.Plus(update * mask).contiguous().data<float>().ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual, double relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        var scale = expected.Max(v => Math.Abs(v));
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= relative * scale, $"max difference {worst:E2} exceeds {relative:E0} × {scale:F3}");
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(1.0, false)]
    [InlineData(1.5, false)]
    [InlineData(0.0, true)]
    [InlineData(1.0, true)]
    [InlineData(1.5, true)]
    public void The_fused_encoder_equals_eager_dice(double alpha, bool withNegative)
    {
        var folder = FusedModel();
        var tokenizer = ClipTokenizer.Load(Path.Combine(folder, "tokenizer"));
        int[][] ids = [tokenizer.Tokenize("a red circle on the left"), tokenizer.Tokenize("blue background, small green triangle")];
        int[][]? negative = withNegative ? [tokenizer.Tokenize("blurry"), tokenizer.Tokenize("a square")] : null;
        const double beta = 0.7;

        var feeds = new Dictionary<string, OrtValue>
        {
            ["input_ids"] = OrtValue.CreateTensorValueFromMemory(ids.SelectMany(r => r).ToArray(), [2, 77]),
            ["alpha"] = OrtValue.CreateTensorValueFromMemory([(float)alpha], []),
        };
        if (negative is not null)
        {
            feeds["negative_input_ids"] = OrtValue.CreateTensorValueFromMemory(negative.SelectMany(r => r).ToArray(), [2, 77]);
            feeds["beta"] = OrtValue.CreateTensorValueFromMemory([(float)beta], []);
        }
        var fused = Run(Path.Combine(folder, "text_encoder_dice", "model.onnx"), feeds);
        var expected = Reference(ids, negative, alpha, negative is null ? 0 : beta, Path.Combine(folder, "sharpener"));
        AssertClose(expected, fused, 1e-5);

        // Token 0 is the encoder's own.
        var original = Run(Path.Combine(folder, "text_encoder", "model.onnx"), new Dictionary<string, OrtValue> { ["input_ids"] = feeds["input_ids"] });
        Assert.Equal(original.AsSpan(0, 16).ToArray(), fused.AsSpan(0, 16).ToArray());
        if (alpha == 0 && negative is null)
        {
            Assert.Equal(original, fused);
        }
        foreach (var v in feeds.Values)
        {
            v.Dispose();
        }
    }

    [Fact]
    public void Without_a_negative_prompt_the_encoder_runs_once_and_the_empty_prompt_as_negative_changes_nothing()
    {
        var folder = FusedModel();
        var path = Path.Combine(folder, "text_encoder_dice", "model.onnx");
        var graph = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph;
        // One copy of the encoder at the top level; the negative prompt's copy lives only in the If's else branch.
        Assert.DoesNotContain(graph.Node, n => n.Name.StartsWith("text_encoder_negative/", StringComparison.Ordinal));
        var branch = Assert.Single(graph.Node, n => n.OpType == "If");
        var encoded = branch.Attribute.Single(a => a.Name == "else_branch").G;
        Assert.Contains(encoded.Node, n => n.Name.StartsWith("text_encoder_negative/", StringComparison.Ordinal));
        Assert.DoesNotContain(branch.Attribute.Single(a => a.Name == "then_branch").G.Node, n => n.Name.StartsWith("text_encoder", StringComparison.Ordinal));

        var tokenizer = ClipTokenizer.Load(Path.Combine(folder, "tokenizer"));
        using var ids = OrtValue.CreateTensorValueFromMemory(tokenizer.Tokenize("a red circle").Concat(tokenizer.Tokenize("a cat")).ToArray(), [2, 77]);
        using var empty = OrtValue.CreateTensorValueFromMemory(tokenizer.Tokenize("").Concat(tokenizer.Tokenize("")).ToArray(), [2, 77]);
        Assert.Equal(Run(path, new Dictionary<string, OrtValue> { ["input_ids"] = ids }),
            Run(path, new Dictionary<string, OrtValue> { ["input_ids"] = ids, ["negative_input_ids"] = empty }));
    }

    [Fact]
    public void Alpha_defaults_to_one()
    {
        var folder = FusedModel();
        var tokenizer = ClipTokenizer.Load(Path.Combine(folder, "tokenizer"));
        using var ids = OrtValue.CreateTensorValueFromMemory(tokenizer.Tokenize("a cat"), [1, 77]);
        using var one = OrtValue.CreateTensorValueFromMemory([1f], []);
        var path = Path.Combine(folder, "text_encoder_dice", "model.onnx");
        Assert.Equal(Run(path, new Dictionary<string, OrtValue> { ["input_ids"] = ids, ["alpha"] = one }),
            Run(path, new Dictionary<string, OrtValue> { ["input_ids"] = ids }));
    }

    [Fact]
    public void A_sharpener_of_another_width_is_refused_and_nothing_is_written()
    {
        var folder = directory.File("model-wide");
        TinyOnnxModel.CopyDirectory(model.Plain, folder);
        var e = Assert.Throws<InvalidDataException>(() => SharpenerExporter.Export(Sharpener(new SharpenerConfig(32, 8, 2), "wide"), folder, OnnxTextEncoding.LastHiddenState));
        Assert.Contains("32-wide", e.Message, StringComparison.Ordinal);
        Assert.Contains("16-wide", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder, "text_encoder_dice")));
        Assert.False(Directory.Exists(Path.Combine(folder, "sharpener")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder, "*.dice-tmp"));
    }

    [Fact]
    public void A_model_folder_without_text_encoder_is_refused()
    {
        var folder = directory.File("model-no-te");
        TinyOnnxModel.CopyDirectory(model.Plain, folder);
        Directory.Delete(Path.Combine(folder, "text_encoder"), recursive: true);
        var e = Assert.Throws<InvalidDataException>(() => SharpenerExporter.Export(Sharpener(Config, "s2"), folder, OnnxTextEncoding.LastHiddenState));
        Assert.Contains("text_encoder/model.onnx", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_runtime_samples_with_the_fused_encoder_using_alpha_and_a_negative_prompt()
    {
        var folder = FusedModel();
        using var pipeline = Dice.Runtime.Pipelines.StableDiffusionPipeline.Load(folder);
        Assert.True(pipeline.HasDice);
        var request = new Dice.Runtime.Pipelines.GenerationRequest
        {
            Prompts = ["a red circle"],
            Mode = Dice.Runtime.Pipelines.GenerationMode.Dice,
            Steps = 4,
            Height = 32,
            Width = 32,
            Seed = 3,
        };
        var plain = pipeline.Generate(request with { Alpha = 0 });
        var sharpened = pipeline.Generate(request with { Alpha = 1.5, NegativePrompt = "blurry" });
        Assert.Equal(4, sharpened.UnetCalls);
        Assert.All(sharpened.UnetBatchSizes, b => Assert.Equal(1, b));
        Assert.False(plain.Images[0].PixelsEqual(sharpened.Images[0]), "alpha and the negative prompt must change the image");
    }

    public void Dispose() => directory.Dispose();
}
