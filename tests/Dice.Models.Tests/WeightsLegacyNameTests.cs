using Dice.Models.Weights;
using Dice.Safetensors;

namespace Dice.Models.Tests;

public class WeightsLegacyNameTests
{
    private const string Block = "encoder.mid_block.attentions.0";

    private static readonly string[] Projections = ["to_q", "to_k", "to_v", "to_out.0"];

    private static readonly Dictionary<string, string> Legacy = new()
    {
        ["to_q"] = "query",
        ["to_k"] = "key",
        ["to_v"] = "value",
        ["to_out.0"] = "proj_attn",
    };

    /// <summary>A VAE-style single-head mid-block attention with 4 channels.</summary>
    private static IReadOnlyList<ParameterSpec> Attention() => ParameterInventory.Of(ops =>
    {
        ops.Parameter($"{Block}.group_norm.weight", [4], ParameterInit.Ones);
        ops.Parameter($"{Block}.group_norm.bias", [4], ParameterInit.Zeros);
        foreach (var p in Projections)
        {
            ops.Parameter($"{Block}.{p}.weight", [4, 4], ParameterInit.FanIn(4));
            ops.Parameter($"{Block}.{p}.bias", [4], ParameterInit.FanIn(4));
        }
    });

    private static string Write(TempDirectory dir, Func<string, string> projectionName, long[] weightShape)
    {
        var writer = new SafetensorsWriter();
        WeightsTestFiles.Add(writer, $"{Block}.group_norm.weight", [4]);
        WeightsTestFiles.Add(writer, $"{Block}.group_norm.bias", [4]);
        foreach (var p in Projections)
        {
            // Values keyed by the model name, so either spelling must load the same numbers.
            WeightsTestFiles.Add(writer, $"{Block}.{projectionName(p)}.weight", weightShape, valuesOf: $"{Block}.{p}.weight");
            WeightsTestFiles.Add(writer, $"{Block}.{projectionName(p)}.bias", [4], valuesOf: $"{Block}.{p}.bias");
        }
        var path = dir.File("diffusion_pytorch_model.safetensors");
        writer.Write(path);
        return path;
    }

    [Theory]
    [InlineData(true, 2)]
    [InlineData(true, 4)]
    [InlineData(false, 4)]
    public void Legacy_names_and_1x1_conv_shapes_load_as_the_current_linear_layers(bool legacyNames, int weightRank)
    {
        using var dir = new TempDirectory();
        long[] weightShape = weightRank == 4 ? [4, 4, 1, 1] : [4, 4];
        var path = Write(dir, p => legacyNames ? Legacy[p] : p, weightShape);

        using var source = WeightSource.Open(dir.Path, Attention());
        foreach (var p in Projections)
        {
            var name = $"{Block}.{p}.weight";
            var binding = source.GetBinding(name);
            Assert.Equal(legacyNames ? $"{Block}.{Legacy[p]}.weight" : name, binding.CheckpointName);
            Assert.Equal(weightRank == 4, binding.IsReshaped);
            var w = source.Read(name);
            Assert.Equal([4L, 4], w.Shape);
            Assert.Equal(WeightsTestFiles.Values(name, 16), w.Float32Values);
            Assert.Equal(WeightsTestFiles.Values($"{Block}.{p}.bias", 4), source.Read($"{Block}.{p}.bias").Float32Values);
        }
        Assert.Equal(path, source.Checkpoint.FilePath);
    }

    [Fact]
    public void Both_spellings_of_one_parameter_are_a_conflict()
    {
        using var dir = new TempDirectory();
        var writer = WeightsTestFiles.Writer(Attention());
        WeightsTestFiles.Add(writer, $"{Block}.query.weight", [4, 4, 1, 1]);
        var path = dir.File("vae.safetensors");
        writer.Write(path);

        var e = Assert.Throws<CheckpointMismatchException>(() => WeightSource.Open(path, Attention()));
        var conflict = Assert.Single(e.Conflicts);
        Assert.Contains($"{Block}.to_q.weight is given twice", conflict, StringComparison.Ordinal);
        Assert.Contains($"{Block}.query.weight", conflict, StringComparison.Ordinal);
    }

    [Fact]
    public void Conv_shapes_are_accepted_only_where_a_rule_allows_them()
    {
        using var dir = new TempDirectory();
        var specs = ParameterInventory.Of(ops => ops.Parameter("decoder.up_blocks.0.proj.weight", [4, 4], ParameterInit.Zeros));
        var writer = new SafetensorsWriter();
        WeightsTestFiles.Add(writer, "decoder.up_blocks.0.proj.weight", [4, 4, 1, 1]);
        var path = dir.File("m.safetensors");
        writer.Write(path);

        var e = Assert.Throws<CheckpointMismatchException>(() => WeightSource.Open(path, specs));
        Assert.Single(e.ShapeMismatches);

        var custom = WeightNameMap.Default.With(rules: [new WeightNameRule(@"(?<p>.+\.proj)\.weight", "${p}.weight", allowsTrailingUnitDims: true)]);
        using var source = WeightSource.Open(path, specs, custom);
        Assert.Equal([4L, 4], source.Read("decoder.up_blocks.0.proj.weight").Shape);
    }

    [Fact]
    public void Unet_attention_names_inside_transformer_blocks_are_left_alone()
    {
        var (name, rule) = WeightNameMap.Default.Resolve("mid_block.attentions.0.transformer_blocks.0.attn1.to_q.weight");
        Assert.Equal("mid_block.attentions.0.transformer_blocks.0.attn1.to_q.weight", name);
        Assert.Null(rule);
        Assert.Equal("decoder.mid_block.attentions.0.to_out.0.bias",
            WeightNameMap.Default.Resolve("decoder.mid_block.attentions.0.proj_attn.bias").ModelName);
        Assert.Equal("mid_block.attentions.1.to_v.weight", WeightNameMap.Default.Resolve("mid_block.attentions.1.value.weight").ModelName);
    }

    [Fact]
    public void The_default_map_reads_every_legacy_sd15_vae_name_and_leaves_real_names_alone()
    {
        static IEnumerable<string> Names(string file) =>
            File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Data", "reference", file))
                .Where(l => l.Length > 0)
                .Select(l => l[..l.IndexOf(' ', StringComparison.Ordinal)]);

        var renamed = 0;
        foreach (var name in Names("sd15-vae-keys.txt"))
        {
            var legacy = Legacy.Aggregate(name, (n, e) => n.Replace($"attentions.0.{e.Key}.", $"attentions.0.{e.Value}.", StringComparison.Ordinal));
            Assert.Equal(name, WeightNameMap.Default.Resolve(legacy).ModelName);
            renamed += legacy == name ? 0 : 1;
        }
        Assert.Equal(16, renamed); // 4 projections × weight and bias × encoder and decoder

        foreach (var name in Names("sd15-unet-keys.txt").Concat(Names("clip-vit-l14-text-keys.txt")))
        {
            Assert.Equal((name, null), WeightNameMap.Default.Resolve(name));
            Assert.False(WeightNameMap.Default.IsIgnored(name));
        }
    }

    [Theory]
    [InlineData(new long[] { 4, 4 }, new long[] { 4, 4 }, false, true)]
    [InlineData(new long[] { 4, 4, 1, 1 }, new long[] { 4, 4 }, false, false)]
    [InlineData(new long[] { 4, 4, 1, 1 }, new long[] { 4, 4 }, true, true)]
    [InlineData(new long[] { 4, 4, 1 }, new long[] { 4, 4 }, true, true)]
    [InlineData(new long[] { 4, 4, 3, 3 }, new long[] { 4, 4 }, true, false)]
    [InlineData(new long[] { 4, 1, 1, 4 }, new long[] { 4, 4 }, true, false)]
    [InlineData(new long[] { 4 }, new long[] { 4, 1 }, true, false)]
    public void Trailing_unit_dims_fit_only_when_allowed(long[] stored, long[] model, bool allowed, bool fits) =>
        Assert.Equal(fits, new WeightNameRule("x", "x", allowed).ShapeFits(stored, model));
}
