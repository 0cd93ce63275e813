using Dice.Data;
using Dice.Models;
using Dice.Models.Classifier;
using Dice.Trainer;
using Dice.Trainer.Classifier;
using static TorchSharp.torch;

namespace Dice.Trainer.Tests.Classifier;

public sealed class AttributeClassifierModelTests
{
    [Fact]
    public void Default_config_has_the_schema_heads_in_order()
    {
        var config = AttributeClassifierTrainer.DefaultConfig();
        Assert.Equal(AttributeSchema.Heads.Select(h => h.Name), config.HeadNames);
        Assert.Equal([2, 8, 3, 8, 2, 5, 4, 9, 3, 6], config.HeadSizes);
        Assert.Equal(50, config.LogitCount);
        Assert.Equal(0, config.HeadOffset(0));
        Assert.Equal(10, config.HeadOffset(2));
        Assert.Equal(44, config.HeadOffset(9));
        Assert.Equal(4, config.FinalMapSize);
    }

    [Fact]
    public void Parameter_names_and_shapes_are_stable()
    {
        var parameters = ParameterInventory.Of(ops => _ = new AttributeClassifier<ParameterInventory.Declared>(ops, AttributeClassifierTrainer.DefaultConfig()));
        var described = parameters.Select(p => $"{p.Name} [{string.Join(", ", p.Shape)}]").ToArray();
        Assert.Equal(
        [
            "conv_in.weight [32, 3, 3, 3]", "conv_in.bias [32]",
            "down.0.norm.weight [32]", "down.0.norm.bias [32]", "down.0.conv.weight [48, 32, 3, 3]", "down.0.conv.bias [48]",
            "down.1.norm.weight [48]", "down.1.norm.bias [48]", "down.1.conv.weight [64, 48, 3, 3]", "down.1.conv.bias [64]",
            "down.2.norm.weight [64]", "down.2.norm.bias [64]", "down.2.conv.weight [64, 64, 3, 3]", "down.2.conv.bias [64]",
            "norm_out.weight [64]", "norm_out.bias [64]",
            "fc.weight [128, 1024]", "fc.bias [128]",
            "heads.weight [50, 128]", "heads.bias [50]",
        ], described);
        var count = parameters.Sum(p => p.ElementCount);
        Assert.Equal(217_474, count);
    }

    [Fact]
    public void Torch_forward_gives_concatenated_logits()
    {
        var config = AttributeClassifierTrainer.DefaultConfig();
        using var scope = NewDisposeScope();
        using var ops = new TorchOps(seed: 3);
        var model = new AttributeClassifier<Tensor>(ops, config);
        using var noGrad = no_grad();
        var logits = model.Forward(rand([2, 3, 32, 32]).Times(2).Minus(1));
        Assert.Equal([2, 50], logits.shape);
        Assert.Equal(ops.ParameterCount, ParameterInventory.Of(o => _ = new AttributeClassifier<ParameterInventory.Declared>(o, config)).Sum(p => p.ElementCount));
    }

    [Fact]
    public void Config_round_trips_through_json()
    {
        var config = AttributeClassifierTrainer.DefaultConfig() with { HiddenDim = 96, Widths = [16, 32, 32, 64] };
        var json = config.ToJson();
        Assert.Contains("\"head_sizes\":[2,8,3,8,2,5,4,9,3,6]", json, StringComparison.Ordinal);
        var back = AttributeClassifierConfig.FromJson(json);
        Assert.Equal(json, back.ToJson());
        Assert.Equal(config.HeadNames, back.HeadNames);
        Assert.Equal(config.Widths, back.Widths);
    }

    [Fact]
    public void Invalid_configs_are_refused_with_the_reason()
    {
        var config = AttributeClassifierTrainer.DefaultConfig();
        Assert.Contains("halve", Assert.Throws<ArgumentException>(() => (config with { ImageSize = 36 }).Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("norm groups", Assert.Throws<ArgumentException>(() => (config with { Widths = [32, 20, 64, 64] }).Validate()).Message,
            StringComparison.Ordinal);
        Assert.Contains("head names", Assert.Throws<ArgumentException>(() => (config with { HeadSizes = [2, 8] }).Validate()).Message,
            StringComparison.Ordinal);
        Assert.Contains("at least 2", Assert.Throws<ArgumentException>(
            () => AttributeClassifierConfig.ForHeads(["a", "b"], [2, 1])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => AttributeClassifierConfig.FromJson("{\"image_size\":"));
    }

    [Fact]
    public void Trainer_refuses_heads_other_than_the_schema()
    {
        var config = AttributeClassifierConfig.ForHeads(["count", "background"], [2, 8]);
        var error = Assert.Throws<ArgumentException>(() => new AttributeClassifierTrainer(new AttributeClassifierTrainingOptions(), config));
        Assert.Contains("attribute schema", error.Message, StringComparison.Ordinal);
    }
}
