using Dice.Models;
using Dice.Onnx;

namespace Dice.Exporter.Tests;

/// <summary>Each recorded op, run in ONNX Runtime on small inputs, against values computed by hand in C#.</summary>
public sealed class OpExportTests
{
    private static readonly OnnxTensorSpec[] NoInputs = [];

    [Fact]
    public void Linear_matches_the_reference_at_any_batch_and_length()
    {
        var weight = Reference.Values(5 * 4, 1);
        var bias = Reference.Values(5, 2);
        using var directory = new TempDirectory();
        var path = TestGraph.Export(directory, [TestGraph.Dynamic("x", 3)], [3], (ops, x) =>
        {
            var w = ops.Parameter("w", [5, 4], ParameterInit.Zeros);
            var b = ops.Parameter("b", [5], ParameterInit.Zeros);
            return [ops.Linear(x[0], w, b)];
        }, new DictionaryWeightSource(new Dictionary<string, float[]> { ["w"] = weight, ["b"] = bias }));

        foreach (var (batch, length) in new[] { (1, 3), (3, 2) })
        {
            var input = Reference.Values(batch * length * 4, batch);
            var y = OrtRunner.RunOnce(path, ("x", TensorData.Float(input, batch, length, 4)))["y0"];
            Assert.Equal([batch, length, 5], y.Shape);
            Reference.AssertClose(Reference.Linear(input, batch * length, 4, weight, bias, 5), y.Floats, 1e-5);
        }
    }

    [Fact]
    public void Conv2d_with_stride_and_padding_matches_the_reference()
    {
        var weight = Reference.Values(4 * 3 * 3 * 3, 3);
        var bias = Reference.Values(4, 4);
        var input = Reference.Values(2 * 3 * 5 * 6, 5);
        var y = TestGraph.ExportAndRunWith([OnnxTensorSpec.Float("x", "batch", 3, "height", "width")], 4, (ops, x) =>
            ops.Conv2d(x[0], Param(ops, "conv.weight", 4, 3, 3, 3), Param(ops, "conv.bias", 4), stride: 2, padding: 1),
            new() { ["conv.weight"] = weight, ["conv.bias"] = bias }, TensorData.Float(input, 2, 3, 5, 6));
        var expected = Reference.Conv2d(input, 2, 3, 5, 6, weight, bias, 4, 3, 2, 1, out var oh, out var ow);
        Assert.Equal([2, 4, oh, ow], y.Shape);
        Reference.AssertClose(expected, y.Floats, 1e-5);
    }

    [Fact]
    public void GroupNorm_normalises_each_group_then_applies_the_channel_affine()
    {
        var weight = Reference.Values(6, 6, 2);
        var bias = Reference.Values(6, 7);
        var input = Reference.Values(2 * 6 * 3 * 4, 8, 3);
        var y = TestGraph.ExportAndRunWith([TestGraph.Dynamic("x", 4)], 4, (ops, x) =>
            ops.GroupNorm(x[0], 3, Param(ops, "norm.weight", 6), Param(ops, "norm.bias", 6), 1e-5),
            new() { ["norm.weight"] = weight, ["norm.bias"] = bias }, TensorData.Float(input, 2, 6, 3, 4));
        Assert.Equal([2, 6, 3, 4], y.Shape);
        Reference.AssertClose(Reference.GroupNorm(input, 2, 6, 12, 3, weight, bias, 1e-5), y.Floats, 1e-4, 1e-5);
    }

    [Fact]
    public void LayerNorm_normalises_the_last_dim()
    {
        var weight = Reference.Values(8, 9, 2);
        var bias = Reference.Values(8, 10);
        var input = Reference.Values(3 * 2 * 8, 11, 4);
        var y = TestGraph.ExportAndRunWith([TestGraph.Dynamic("x", 3)], 3, (ops, x) =>
            ops.LayerNorm(x[0], Param(ops, "ln.weight", 8), Param(ops, "ln.bias", 8), 1e-5),
            new() { ["ln.weight"] = weight, ["ln.bias"] = bias }, TensorData.Float(input, 3, 2, 8));
        Reference.AssertClose(Reference.LayerNorm(input, 6, 8, weight, bias, 1e-5), y.Floats, 1e-4, 1e-5);
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 2)]
    [InlineData(true, 2)]
    public void Attention_matches_the_reference(bool causal, int keyBatch)
    {
        const int batch = 2, heads = 3, length = 5, keyLength = 5, d = 4;
        var q = Reference.Values(batch * heads * length * d, 12, 2);
        var k = Reference.Values(keyBatch * heads * keyLength * d, 13, 2);
        var v = Reference.Values(keyBatch * heads * keyLength * d, 14);
        var y = TestGraph.ExportAndRun(
            [OnnxTensorSpec.Float("q", "b", heads, "l", d), OnnxTensorSpec.Float("k", "bk", heads, "lk", d), OnnxTensorSpec.Float("v", "bk", heads, "lk", d)],
            4, (ops, x) => ops.Attention(x[0], x[1], x[2], causal),
            TensorData.Float(q, batch, heads, length, d), TensorData.Float(k, keyBatch, heads, keyLength, d),
            TensorData.Float(v, keyBatch, heads, keyLength, d));
        Assert.Equal([batch, heads, length, d], y.Shape);
        Reference.AssertClose(Reference.Attention(q, k, v, batch, keyBatch, heads, length, keyLength, d, causal), y.Floats, 1e-5, 1e-6);
    }

    [Fact]
    public void Attention_reads_the_head_size_at_run_time_when_it_is_not_fixed()
    {
        const int d = 6;
        var q = Reference.Values(1 * 2 * 4 * d, 15, 2);
        var k = Reference.Values(1 * 2 * 4 * d, 16, 2);
        var v = Reference.Values(1 * 2 * 4 * d, 17);
        var y = TestGraph.ExportAndRun([TestGraph.Dynamic("q", 4), TestGraph.Dynamic("k", 4), TestGraph.Dynamic("v", 4)], 4,
            (ops, x) => ops.Attention(x[0], x[1], x[2], causal: true),
            TensorData.Float(q, 1, 2, 4, d), TensorData.Float(k, 1, 2, 4, d), TensorData.Float(v, 1, 2, 4, d));
        Reference.AssertClose(Reference.Attention(q, k, v, 1, 1, 2, 4, 4, d, causal: true), y.Floats, 1e-5, 1e-6);
    }

    [Fact]
    public void Reshape_copies_dims_for_0_and_infers_minus_1()
    {
        var input = Enumerable.Range(0, 2 * 3 * 4).Select(i => (float)i).ToArray();
        var y = TestGraph.ExportAndRun([TestGraph.Dynamic("x", 3)], 3, (ops, x) => ops.Reshape(x[0], 0, -1, 2),
            TensorData.Float(input, 2, 3, 4));
        Assert.Equal([2, 6, 2], y.Shape);
        Assert.Equal(input, y.Floats);
    }

    [Fact]
    public void ReshapeLike_takes_the_runtime_shape_of_another_tensor()
    {
        var input = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();
        var y = TestGraph.ExportAndRun([TestGraph.Dynamic("x", 2), TestGraph.Dynamic("like", 3)], 3, (ops, x) => ops.ReshapeLike(x[0], x[1]),
            TensorData.Float(input, 3, 4), TensorData.Float(new float[12], 2, 3, 2));
        Assert.Equal([2, 3, 2], y.Shape);
        Assert.Equal(input, y.Floats);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ExpandToBatch_broadcasts_one_value_or_keeps_one_per_item(int given)
    {
        var values = Enumerable.Range(1, given).Select(i => (float)i).ToArray();
        var y = TestGraph.ExportAndRun([TestGraph.Dynamic("t", 1), TestGraph.Dynamic("like", 2)], 1, (ops, x) => ops.ExpandToBatch(x[0], x[1]),
            TensorData.Float(values, given), TensorData.Float(new float[6], 3, 2));
        Assert.Equal([3], y.Shape);
        Assert.Equal(given == 1 ? [1f, 1f, 1f] : [1f, 2f, 3f], y.Floats);
    }

    [Fact]
    public void ExpandToBatch_of_an_int64_timestep_then_ToComputeType()
    {
        var y = TestGraph.ExportAndRun([OnnxTensorSpec.Int64("t", "batch"), TestGraph.Dynamic("like", 2)], 1,
            (ops, x) => ops.ToComputeType(ops.ExpandToBatch(x[0], x[1])),
            TensorData.Int64([981], 1), TensorData.Float(new float[4], 2, 2));
        Assert.Equal([981f, 981f], y.Floats);
    }

    [Fact]
    public void LeadingRows_takes_as_many_rows_as_the_sequence_is_long()
    {
        var table = Enumerable.Range(0, 10 * 3).Select(i => (float)i).ToArray();
        using var directory = new TempDirectory();
        var path = TestGraph.Export(directory, [OnnxTensorSpec.Int32("ids", "batch", "sequence")], [2],
            (ops, x) => [ops.LeadingRows(ops.Parameter("pos", [10, 3], ParameterInit.Zeros), x[0], 1)],
            new DictionaryWeightSource(new Dictionary<string, float[]> { ["pos"] = table }));
        foreach (var length in new[] { 1, 4, 10 })
        {
            var y = OrtRunner.RunOnce(path, ("ids", TensorData.Int32(new int[2 * length], 2, length)))["y0"];
            Assert.Equal([length, 3], y.Shape);
            Assert.Equal(table.Take(length * 3), y.Floats);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PoolAtArgmax_picks_the_hidden_state_at_the_largest_id(bool int64)
    {
        int[] ids = [49406, 320, 49407, 0, 0, /* row 2: */ 49406, 1, 2, 49407, 49407];
        var hidden = Enumerable.Range(0, 2 * 5 * 3).Select(i => (float)i).ToArray();
        var idsSpec = int64 ? OnnxTensorSpec.Int64("ids", "batch", "sequence") : OnnxTensorSpec.Int32("ids", "batch", "sequence");
        var idsData = int64 ? TensorData.Int64(ids.Select(i => (long)i).ToArray(), 2, 5) : TensorData.Int32(ids, 2, 5);
        var y = TestGraph.ExportAndRun([TestGraph.Dynamic("hidden", 3), idsSpec], 2, (ops, x) => ops.PoolAtArgmax(x[0], x[1]),
            TensorData.Float(hidden, 2, 5, 3), idsData);
        Assert.Equal([2, 3], y.Shape);
        // Row 0: position 2; row 1: the first of two maxima, position 3.
        Assert.Equal([6f, 7f, 8f, 24f, 25f, 26f], y.Floats);
    }

    [Fact]
    public void UpsampleNearest2x_repeats_each_pixel_twice_each_way()
    {
        float[] input = [1, 2, 3, 4, 5, 6];
        var y = TestGraph.ExportAndRun([TestGraph.Dynamic("x", 4)], 4, (ops, x) => ops.UpsampleNearest2x(x[0]), TensorData.Float(input, 1, 1, 2, 3));
        Assert.Equal([1, 1, 4, 6], y.Shape);
        Assert.Equal([1f, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 4, 4, 5, 5, 6, 6], y.Floats);
    }

    [Fact]
    public void Pad2d_pads_width_left_right_and_height_top_bottom_with_zeros()
    {
        float[] input = [1, 2, 3, 4];
        var y = TestGraph.ExportAndRun([TestGraph.Dynamic("x", 4)], 4, (ops, x) => ops.Pad2d(x[0], 0, 1, 2, 0), TensorData.Float(input, 1, 1, 2, 2));
        Assert.Equal([1, 1, 4, 3], y.Shape);
        Assert.Equal([0f, 0, 0, 0, 0, 0, 1, 2, 0, 3, 4, 0], y.Floats);
    }

    [Fact]
    public void Chunk_Concat_Transpose_and_Unsqueeze_move_values_as_torch_does()
    {
        var input = Enumerable.Range(0, 2 * 4 * 3).Select(i => (float)i).ToArray();
        var y = TestGraph.ExportAndRun([TestGraph.Dynamic("x", 3)], 4, (ops, x) =>
        {
            var pieces = ops.Chunk(x[0], 2, 1);
            var swapped = ops.Concat([pieces[1], pieces[0]], -2);
            return ops.Unsqueeze(ops.Transpose(swapped, 0, 2, 1), -1);
        }, TensorData.Float(input, 2, 4, 3));
        Assert.Equal([2, 3, 4, 1], y.Shape);
        var expected = new float[24];
        for (var b = 0; b < 2; b++)
        {
            for (var row = 0; row < 4; row++)
            {
                var source = (row + 2) % 4;
                for (var c = 0; c < 3; c++)
                {
                    expected[(b * 12) + (c * 4) + row] = input[(b * 12) + (source * 3) + c];
                }
            }
        }
        Assert.Equal(expected, y.Floats);
    }

    [Fact]
    public void Embedding_gathers_rows_by_int32_id()
    {
        var table = Enumerable.Range(0, 5 * 2).Select(i => (float)i).ToArray();
        var y = TestGraph.ExportAndRunWith([OnnxTensorSpec.Int32("ids", "batch", "sequence")], 3,
            (ops, x) => ops.Embedding(Param(ops, "emb.weight", 5, 2), x[0]),
            new() { ["emb.weight"] = table }, TensorData.Int32([4, 0, 2, 2], 2, 2));
        Assert.Equal([2, 2, 2], y.Shape);
        Assert.Equal([8f, 9, 0, 1, 4, 5, 4, 5], y.Floats);
    }

    [Fact]
    public void Activations_and_arithmetic_match_their_definitions()
    {
        var a = Reference.Values(2 * 7, 18, 4);
        var b = Reference.Values(7, 19, 4);
        using var directory = new TempDirectory();
        var path = TestGraph.Export(directory, [TestGraph.Dynamic("a", 2), OnnxTensorSpec.Float("b", 7)], [2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
            (ops, x) =>
            [
                ops.Gelu(x[0]), ops.QuickGelu(x[0]), ops.Silu(x[0]), ops.Relu(x[0]), ops.Sin(x[0]), ops.Cos(x[0]),
                ops.Scale(x[0], -2.5), ops.Add(x[0], x[1]), ops.Sub(x[0], x[1]), ops.Mul(x[0], ops.Constant([0.5f, 2f], [2, 1])),
            ]);
        var y = OrtRunner.RunOnce(path, ("a", TensorData.Float(a, 2, 7)), ("b", TensorData.Float(b, 7)));
        Func<int, float>[] expected =
        [
            i => Reference.Gelu(a[i]),
            i => a[i] * Reference.Sigmoid(1.702 * a[i]),
            i => a[i] * Reference.Sigmoid(a[i]),
            i => Math.Max(a[i], 0),
            i => MathF.Sin(a[i]),
            i => MathF.Cos(a[i]),
            i => a[i] * -2.5f,
            i => a[i] + b[i % 7],
            i => a[i] - b[i % 7],
            i => a[i] * (i < 7 ? 0.5f : 2f),
        ];
        for (var k = 0; k < expected.Length; k++)
        {
            Reference.AssertClose(Enumerable.Range(0, a.Length).Select(expected[k]).ToArray(), y[$"y{k}"].Floats, 1e-5, 1e-6);
        }
    }

    [Fact]
    public void A_graph_with_no_inputs_computes_from_its_constants()
    {
        var y = TestGraph.ExportAndRun(NoInputs, 1, (ops, _) => ops.Scale(ops.Constant([1, 2, 3], [3]), 2));
        Assert.Equal([2f, 4, 6], y.Floats);
    }

    [Fact]
    public void Shapes_that_cannot_fit_fail_at_export_time()
    {
        using var directory = new TempDirectory();
        var error = Assert.Throws<ArgumentException>(() => TestGraph.Export(directory, [OnnxTensorSpec.Float("x", "batch", 3)], [2],
            (ops, x) => [ops.Linear(x[0], ops.Parameter("w", [2, 4], ParameterInit.Zeros), null)]));
        Assert.Contains("Linear", error.Message, StringComparison.Ordinal);
        Assert.Empty(directory.FileNames());
    }

    private static OnnxValue Param(OnnxOps ops, string name, params long[] shape) => ops.Parameter(name, shape, ParameterInit.Zeros);
}
