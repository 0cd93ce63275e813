using Dice.Models.Weights;
using Dice.Safetensors;

namespace Dice.Models.Tests;

public class WeightsValidationTests
{
    private const string Fc1 = "text_model.encoder.layers.1.mlp.fc1.weight";
    private const string FinalBias = "text_model.final_layer_norm.bias";
    private const string QBias = "text_model.encoder.layers.0.self_attn.q_proj.bias";

    [Fact]
    public void An_exact_checkpoint_binds_every_parameter_in_declaration_order()
    {
        using var dir = new TempDirectory();
        var specs = ClipTiny.Parameters();
        var path = dir.File("model.safetensors");
        WeightsTestFiles.Writer(specs).Write(path);

        using var source = WeightSource.Open(path, specs);
        Assert.Equal(specs.Select(p => p.Name), source.Bindings.Select(b => b.ModelName));
        Assert.All(source.Bindings, b => Assert.Equal(b.ModelName, b.CheckpointName));
        Assert.All(source.Bindings, b => Assert.False(b.IsReshaped));
        var fc1 = source.Read(Fc1);
        Assert.Equal([16L, 8], fc1.Shape);
        Assert.Equal(WeightsTestFiles.Values(Fc1, 128), fc1.Float32Values);
    }

    [Fact]
    public void Missing_renamed_misshaped_and_extra_tensors_are_all_reported_in_one_exception()
    {
        using var dir = new TempDirectory();
        var specs = ClipTiny.Parameters();
        var writer = new SafetensorsWriter();
        foreach (var spec in specs)
        {
            switch (spec.Name)
            {
                case FinalBias:
                    break; // missing
                case QBias:
                    WeightsTestFiles.Add(writer, "text_model.encoder.layers.0.self_attn.query.bias", [.. spec.Shape]); // renamed
                    break;
                case Fc1:
                    WeightsTestFiles.Add(writer, Fc1, [8, 16]); // transposed
                    break;
                default:
                    WeightsTestFiles.Add(writer, spec.Name, [.. spec.Shape]);
                    break;
            }
        }
        WeightsTestFiles.Add(writer, "text_model.extra.weight", [3]);
        var path = dir.File("model.safetensors");
        writer.Write(path);

        var e = Assert.Throws<CheckpointMismatchException>(() => WeightSource.Open(path, specs));
        Assert.Equal([QBias, FinalBias], e.Missing.Select(m => m.Name));
        Assert.Equal(["text_model.encoder.layers.0.self_attn.query.bias", "text_model.extra.weight"], e.Unexpected.Select(t => t.Name));
        var mismatch = Assert.Single(e.ShapeMismatches);
        Assert.Equal(Fc1, mismatch.ModelName);
        Assert.Equal([16L, 8], mismatch.ModelShape);
        Assert.Equal([8L, 16], mismatch.CheckpointShape);
        Assert.Empty(e.Conflicts);
        Assert.Equal(path, e.CheckpointPath);

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("2 missing, 2 unexpected, 1 of the wrong shape", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{FinalBias} [8]", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{QBias} [8]", e.Message, StringComparison.Ordinal);
        Assert.Contains("text_model.encoder.layers.0.self_attn.query.bias F32 [8]", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{Fc1}: checkpoint [8, 16], model [16, 8]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Transformers_position_ids_buffer_is_ignored()
    {
        using var dir = new TempDirectory();
        var specs = ClipTiny.Parameters();
        var writer = WeightsTestFiles.Writer(specs);
        var ids = Enumerable.Range(0, 6).SelectMany(i => BitConverter.GetBytes((long)i)).ToArray();
        writer.Add("text_model.embeddings.position_ids", SafetensorsDType.Int64, [1, 6], ids);
        var path = dir.File("model.safetensors");
        writer.Write(path);

        using var source = WeightSource.Open(path, specs);
        Assert.Equal(specs.Count, source.Bindings.Count);
        Assert.False(source.Contains("text_model.embeddings.position_ids"));

        var e = Assert.Throws<CheckpointMismatchException>(() => WeightSource.Open(path, specs, WeightNameMap.Strict));
        Assert.Equal("text_model.embeddings.position_ids", Assert.Single(e.Unexpected).Name);
    }

    [Fact]
    public void A_parameter_stored_as_integers_is_a_conflict()
    {
        using var dir = new TempDirectory();
        var specs = ParameterInventory.Of(ops => ops.Parameter("w", [2], ParameterInit.Zeros));
        var writer = new SafetensorsWriter();
        writer.Add("w", SafetensorsDType.Int32, [2], new byte[8]);
        var path = dir.File("w.safetensors");
        writer.Write(path);

        var e = Assert.Throws<CheckpointMismatchException>(() => WeightSource.Open(path, specs));
        Assert.Contains("w is I32", Assert.Single(e.Conflicts), StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_of_another_model_says_that_nothing_matches()
    {
        using var dir = new TempDirectory();
        var path = dir.File("model.safetensors");
        var writer = new SafetensorsWriter();
        WeightsTestFiles.Add(writer, "conv_in.weight", [4, 4, 3, 3]);
        writer.Write(path);

        var e = Assert.Throws<CheckpointMismatchException>(() => WeightSource.Open(path, ClipTiny.Parameters()));
        Assert.Equal(ClipTiny.Parameters().Count, e.Missing.Count);
        Assert.Contains("No tensor name matches at all", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Opening_with_a_definition_builds_its_inventory()
    {
        using var dir = new TempDirectory();
        var path = dir.File("model.safetensors");
        WeightsTestFiles.Writer(ClipTiny.Parameters()).Write(path);
        using var source = WeightSource.Open(path, ops => _ = new Clip.ClipTextModel<ParameterInventory.Declared>(ops, ClipTiny.Config));
        Assert.Equal(ClipTiny.Parameters().Count, source.Bindings.Count);
        Assert.Throws<KeyNotFoundException>(() => source.Read("text_model.nope"));
    }
}
