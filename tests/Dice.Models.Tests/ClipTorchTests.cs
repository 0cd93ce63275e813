using Dice.Models.Clip;
using Dice.Models.Weights;
using Dice.Trainer;
using static TorchSharp.torch;

namespace Dice.Models.Tests;

public class ClipTorchTests
{
    private const long Eot = ClipTiny.EndOfText;
    private const long Sot = ClipTiny.StartOfText;

    /// <summary>Three prompts padded with end-of-text, their first end-of-text at 3, 5 and 2.</summary>
    private static readonly long[][] Prompts =
    [
        [Sot, 5, 7, Eot, Eot, Eot],
        [Sot, 1, 2, 3, 4, Eot],
        [Sot, 40, Eot, Eot, Eot, Eot],
    ];

    private static Tensor Ids(params long[][] rows) => tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);

    /// <summary>Every parameter non-trivial (layer norms included), so swapped or unused weights show.</summary>
    private static Dictionary<string, float[]> Weights(ClipTextConfig config) =>
        ClipTiny.Parameters(config).ToDictionary(p => p.Name, p => WeightsTestFiles.Values(p.Name, p.ElementCount).Select(v => v * 0.25f).ToArray());

    private static void Load(TorchOps ops, IReadOnlyDictionary<string, float[]> weights)
    {
        using var scope = NewDisposeScope();
        ops.LoadStateDict(ops.NamedParameters.ToDictionary(p => p.Name, p => tensor(weights[p.Name], p.Parameter.shape)));
    }

    [Fact]
    public void Output_shapes_follow_batch_and_sequence_length()
    {
        using var ops = new TorchOps(seed: 1);
        var model = new ClipTextModel<Tensor>(ops, ClipTiny.Config);
        using var scope = NewDisposeScope();

        var one = model.Forward(Ids(Prompts[0]));
        Assert.Equal([1L, 6, 8], one.LastHiddenState.shape);
        Assert.Equal([1L, 8], one.PoolerOutput.shape);

        var three = model.Forward(Ids(Prompts));
        Assert.Equal([3L, 6, 8], three.LastHiddenState.shape);
        Assert.Equal([3L, 8], three.PoolerOutput.shape);

        var shorter = model.Forward(Ids([Sot, 9, Eot, Eot]));
        Assert.Equal([1L, 4, 8], shorter.LastHiddenState.shape);
    }

    [Fact]
    public void Pooled_output_is_the_last_hidden_state_at_the_first_end_of_text()
    {
        using var ops = new TorchOps(seed: 2);
        var model = new ClipTextModel<Tensor>(ops, ClipTiny.Config);
        using var scope = NewDisposeScope();
        var output = model.Forward(Ids(Prompts));
        int[] firstEot = [3, 5, 2];
        for (var b = 0; b < Prompts.Length; b++)
        {
            var row = output.LastHiddenState.select(0, b).select(0, firstEot[b]);
            Assert.True(output.PoolerOutput.select(0, b).Equals(row), $"row {b}");
            var later = output.LastHiddenState.select(0, b).select(0, 5);
            Assert.Equal(firstEot[b] == 5, output.PoolerOutput.select(0, b).Equals(later));
        }
    }

    [Fact]
    public void Attention_is_causal()
    {
        using var ops = new TorchOps(seed: 3);
        var model = new ClipTextModel<Tensor>(ops, ClipTiny.Config);
        using var scope = NewDisposeScope();
        var a = model.Forward(Ids([Sot, 5, 7, 9, Eot, Eot])).LastHiddenState;
        var b = model.Forward(Ids([Sot, 5, 7, 11, Eot, Eot])).LastHiddenState;
        Assert.True(a.narrow(1, 0, 3).allclose(b.narrow(1, 0, 3), 0, 1e-6), "positions before the change moved");
        for (var l = 3; l < 6; l++)
        {
            Assert.False(a.select(1, l).allclose(b.select(1, l), 1e-3, 1e-4), $"position {l} ignored an earlier token");
        }
    }

    [Fact]
    public void Rows_of_a_batch_are_independent()
    {
        using var ops = new TorchOps(seed: 4);
        var model = new ClipTextModel<Tensor>(ops, ClipTiny.Config);
        using var scope = NewDisposeScope();
        var batch = model.Forward(Ids(Prompts));
        for (var b = 0; b < Prompts.Length; b++)
        {
            var alone = model.Forward(Ids(Prompts[b]));
            Assert.True(alone.LastHiddenState.allclose(batch.LastHiddenState.narrow(0, b, 1), 1e-5, 1e-6));
            Assert.True(alone.PoolerOutput.allclose(batch.PoolerOutput.narrow(0, b, 1), 1e-5, 1e-6));
        }
    }

    [Theory]
    [InlineData(ClipActivation.QuickGelu)]
    [InlineData(ClipActivation.Gelu)]
    public void Forward_matches_a_loop_by_loop_reference(ClipActivation activation)
    {
        var config = ClipTiny.Config with { HiddenAct = activation };
        var weights = Weights(config);
        using var ops = new TorchOps(seed: 5);
        var model = new ClipTextModel<Tensor>(ops, config);
        Load(ops, weights);
        using var scope = NewDisposeScope();

        var output = model.Forward(Ids(Prompts));
        var (last, pooled) = ClipReference.Forward(config, weights, Prompts);
        var expectedLast = last.SelectMany(r => r.SelectMany(x => x)).Select(x => (float)x).ToArray();
        var expectedPooled = pooled.SelectMany(x => x).Select(x => (float)x).ToArray();
        Assert.True(output.LastHiddenState.allclose(tensor(expectedLast, [3, 6, 8]), 1e-4, 1e-4));
        Assert.True(output.PoolerOutput.allclose(tensor(expectedPooled, [3, 8]), 1e-4, 1e-4));
    }

    [Fact]
    public void Weights_saved_from_one_model_and_loaded_strictly_reproduce_its_outputs()
    {
        using var dir = new TempDirectory();
        using var trained = new TorchOps(seed: 6);
        var source = new ClipTextModel<Tensor>(trained, ClipTiny.Config);
        StateDictFile.Save(dir.File("model.safetensors"),
            trained.NamedParameters.Select(p => WeightTensor.FromFloat32(p.Name, p.Parameter.shape, p.Parameter.data<float>().ToArray())),
            StateDictFile.PyTorchMetadata);

        using var fresh = new TorchOps(seed: 7);
        var target = new ClipTextModel<Tensor>(fresh, ClipTiny.Config);
        using (var weights = WeightSource.Open(dir.Path, ClipTiny.Parameters()))
        {
            Load(fresh, weights.ReadAll().ToDictionary(w => w.Name, w => w.ToFloat32()));
        }
        using var scope = NewDisposeScope();
        var ids = Ids(Prompts);
        var expected = source.Forward(ids);
        var actual = target.Forward(ids);
        Assert.True(actual.LastHiddenState.Equals(expected.LastHiddenState));
        Assert.True(actual.PoolerOutput.Equals(expected.PoolerOutput));
    }
}
