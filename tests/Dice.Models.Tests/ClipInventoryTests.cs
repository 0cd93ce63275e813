using System.Globalization;
using Dice.Models.Clip;

namespace Dice.Models.Tests;

public class ClipInventoryTests
{
    private static Dictionary<string, long[]> Reference()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Data", "reference", "clip-vit-l14-text-keys.txt");
        return File.ReadLines(path)
            .Where(l => l.Length > 0)
            .Select(l =>
            {
                var open = l.IndexOf(" [", StringComparison.Ordinal);
                var dims = l[(open + 2)..^1].Split(", ").Select(d => long.Parse(d, CultureInfo.InvariantCulture)).ToArray();
                return (Name: l[..open], Shape: dims);
            })
            .ToDictionary(e => e.Name, e => e.Shape, StringComparer.Ordinal);
    }

    [Fact]
    public void Sd15_text_encoder_declares_exactly_the_reference_names_and_shapes()
    {
        var reference = Reference();
        var declared = ClipTiny.Parameters(ClipTextConfig.StableDiffusion15);

        Assert.Equal(196, reference.Count);
        Assert.Equal(reference.Count, declared.Count);
        var missing = reference.Keys.Except(declared.Select(p => p.Name)).ToList();
        var extra = declared.Select(p => p.Name).Except(reference.Keys).ToList();
        Assert.Empty(missing);
        Assert.Empty(extra);
        foreach (var p in declared)
        {
            Assert.True(reference[p.Name].SequenceEqual(p.Shape), $"{p.Name}: [{string.Join(", ", p.Shape)}] vs reference");
        }
        Assert.Equal(123_060_480L, declared.Sum(p => p.ElementCount));
        Assert.Equal(123_060_480L, reference.Values.Sum(s => s.Aggregate(1L, (a, b) => a * b)));
    }

    [Fact]
    public void Layers_are_declared_in_state_dict_order()
    {
        var names = ClipTiny.Parameters().Select(p => p.Name).ToList();
        Assert.Equal("text_model.embeddings.token_embedding.weight", names[0]);
        Assert.Equal("text_model.embeddings.position_embedding.weight", names[1]);
        Assert.StartsWith("text_model.encoder.layers.0.self_attn.", names[2], StringComparison.Ordinal);
        Assert.Equal("text_model.final_layer_norm.bias", names[^1]);
        Assert.True(names.IndexOf("text_model.encoder.layers.1.self_attn.q_proj.weight")
            > names.IndexOf("text_model.encoder.layers.0.layer_norm2.bias"));
    }

    [Fact]
    public void A_prefix_goes_before_text_model()
    {
        var specs = ParameterInventory.Of(ops => _ = new ClipTextModel<ParameterInventory.Declared>(ops, ClipTiny.Config, "cond_stage_model.transformer"));
        Assert.All(specs, p => Assert.StartsWith("cond_stage_model.transformer.text_model.", p.Name, StringComparison.Ordinal));
    }

    [Fact]
    public void Layer_norms_start_at_identity_and_embeddings_are_normal()
    {
        var specs = ClipTiny.Parameters().ToDictionary(p => p.Name);
        Assert.Equal(ParameterInit.Ones, specs["text_model.final_layer_norm.weight"].Init);
        Assert.Equal(ParameterInit.Zeros, specs["text_model.encoder.layers.1.layer_norm1.bias"].Init);
        Assert.Equal(InitKind.Normal, specs["text_model.embeddings.position_embedding.weight"].Init.Kind);
    }
}
