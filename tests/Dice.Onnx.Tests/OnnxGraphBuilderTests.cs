using System.Runtime.InteropServices;
using Dice.Onnx;
using Onnx;

namespace Dice.Onnx.Tests;

public sealed class OnnxGraphBuilderTests
{
    [Fact]
    public void Model_defaults_to_ir_8_and_opset_17()
    {
        ModelProto model = LinearReluModel.CreateBuilder().ToModel();

        Assert.Equal(8, model.IrVersion);
        OperatorSetIdProto opset = Assert.Single(model.OpsetImport);
        Assert.Equal("", opset.Domain);
        Assert.Equal(17, opset.Version);
        Assert.Equal("dice", model.ProducerName);
    }

    [Fact]
    public void Opsets_can_be_changed_and_custom_domains_are_imported()
    {
        OnnxGraphBuilder builder = LinearReluModel.CreateBuilder().SetOpset(18);
        builder.AddNode("FusedGemm", ["X", "W", "B"], ["G"], domain: "com.microsoft");
        builder.IrVersion = 9;

        ModelProto model = builder.ToModel();

        Assert.Equal(9, model.IrVersion);
        Assert.Equal(18, model.OpsetImport.Single(o => o.Domain == "").Version);
        Assert.Equal(1, model.OpsetImport.Single(o => o.Domain == "com.microsoft").Version);
    }

    [Fact]
    public void Shapes_hold_fixed_symbolic_and_unknown_dimensions()
    {
        var builder = new OnnxGraphBuilder();
        builder.AddInput("sample", TensorProto.Types.DataType.Float16, "batch", 4, default, TensorDimension.Symbolic("width"));
        builder.AddInput("alpha", TensorProto.Types.DataType.Float);

        ModelProto model = builder.ToModel();

        TypeProto.Types.Tensor sample = model.Graph.Input[0].Type.TensorType;
        Assert.Equal((int)TensorProto.Types.DataType.Float16, sample.ElemType);
        var dims = sample.Shape.Dim;
        Assert.Equal("batch", dims[0].DimParam);
        Assert.Equal(4, dims[1].DimValue);
        Assert.False(dims[2].HasDimValue || dims[2].HasDimParam);
        Assert.Equal("width", dims[3].DimParam);
        Assert.Empty(model.Graph.Input[1].Type.TensorType.Shape.Dim);
    }

    [Fact]
    public void Initializers_store_their_values_and_shape()
    {
        var builder = new OnnxGraphBuilder();
        builder.AddInitializer("f", [1.5f, -2f, 3.25f, 0f, 8f, -0.5f], 2, 3);
        builder.AddInitializer("h", [(Half)0.5f, (Half)(-4f)], 2);
        builder.AddInitializer("l", [long.MaxValue, -1L], 2);
        builder.AddInitializer("i", [7], 1, 1);
        builder.AddInitializer("scalar", [42f]);

        ModelProto model = builder.ToModel();
        var tensors = model.Graph.Initializer.ToDictionary(t => t.Name);

        Assert.Equal([2L, 3L], tensors["f"].Dims);
        Assert.Equal((int)TensorProto.Types.DataType.Float, tensors["f"].DataType);
        Assert.Equal([1.5f, -2f, 3.25f, 0f, 8f, -0.5f], MemoryMarshal.Cast<byte, float>(tensors["f"].RawData.Span).ToArray());
        Assert.Equal((int)TensorProto.Types.DataType.Float16, tensors["h"].DataType);
        Assert.Equal([(Half)0.5f, (Half)(-4f)], MemoryMarshal.Cast<byte, Half>(tensors["h"].RawData.Span).ToArray());
        Assert.Equal([long.MaxValue, -1L], MemoryMarshal.Cast<byte, long>(tensors["l"].RawData.Span).ToArray());
        Assert.Equal((int)TensorProto.Types.DataType.Int32, tensors["i"].DataType);
        Assert.Equal([7], MemoryMarshal.Cast<byte, int>(tensors["i"].RawData.Span).ToArray());
        Assert.Empty(tensors["scalar"].Dims);
    }

    [Fact]
    public void Initializer_whose_values_do_not_fill_the_shape_is_rejected()
    {
        var builder = new OnnxGraphBuilder();

        var exception = Assert.Throws<ArgumentException>(() => builder.AddInitializer("w", [1f, 2f, 3f], 2, 2));
        Assert.Contains("3 values", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Attributes_of_every_kind_are_written_with_their_type()
    {
        var builder = new OnnxGraphBuilder();
        builder.AddInput("x", TensorProto.Types.DataType.Float, 2);
        NodeProto node = builder.AddNode("Custom", ["x"], ["y"],
        [
            OnnxAttribute.Int("axis", -1),
            OnnxAttribute.Float("epsilon", 1e-5f),
            OnnxAttribute.Ints("perm", 0, 2, 1),
            OnnxAttribute.Floats("scales", 1f, 2f),
            OnnxAttribute.String("mode", "nearest"),
            OnnxAttribute.Tensor("value", OnnxTensor.Create("value", [1L, 2L], 2)),
        ], name: "custom_node", domain: "dice.test");

        var attributes = node.Attribute.ToDictionary(a => a.Name);
        Assert.Equal("custom_node", node.Name);
        Assert.Equal("dice.test", node.Domain);
        Assert.Equal(AttributeProto.Types.AttributeType.Int, attributes["axis"].Type);
        Assert.Equal(-1, attributes["axis"].I);
        Assert.Equal(AttributeProto.Types.AttributeType.Float, attributes["epsilon"].Type);
        Assert.Equal(1e-5f, attributes["epsilon"].F);
        Assert.Equal([0L, 2L, 1L], attributes["perm"].Ints);
        Assert.Equal([1f, 2f], attributes["scales"].Floats);
        Assert.Equal("nearest", attributes["mode"].S.ToStringUtf8());
        Assert.Equal(AttributeProto.Types.AttributeType.Tensor, attributes["value"].Type);
        Assert.Equal([2L], attributes["value"].T.Dims);
    }

    [Fact]
    public void Unnamed_nodes_get_unique_names()
    {
        var builder = new OnnxGraphBuilder();
        builder.AddInput("x", TensorProto.Types.DataType.Float, 1);

        NodeProto first = builder.AddNode("Relu", ["x"], ["a"]);
        NodeProto second = builder.AddNode("Relu", ["a"], ["b"]);

        Assert.NotEqual(first.Name, second.Name);
    }

    [Fact]
    public void Node_reading_an_undefined_value_is_rejected()
    {
        var builder = new OnnxGraphBuilder();
        builder.AddInput("x", TensorProto.Types.DataType.Float, 1);

        var exception = Assert.Throws<ArgumentException>(() => builder.AddNode("Add", ["x", "missing"], ["y"]));
        Assert.Contains("'missing'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Optional_inputs_left_empty_are_allowed()
    {
        var builder = new OnnxGraphBuilder();
        builder.AddInput("x", TensorProto.Types.DataType.Float, 4);
        builder.AddInitializer("max", [6f]);

        NodeProto node = builder.AddNode("Clip", ["x", "", "max"], ["y"]);

        Assert.Equal(["x", "", "max"], node.Input);
    }

    [Fact]
    public void A_value_defined_twice_is_rejected()
    {
        var builder = new OnnxGraphBuilder();
        builder.AddInput("x", TensorProto.Types.DataType.Float, 1);

        Assert.Throws<ArgumentException>(() => builder.AddInitializer("x", [1f], 1));
        Assert.Throws<ArgumentException>(() => builder.AddNode("Relu", ["x"], ["x"]));
        Assert.Throws<ArgumentException>(() => builder.AddNode("Split", ["x"], ["y", "y"]));

        // A rejected node leaves nothing behind: "y" is still free.
        builder.AddNode("Relu", ["x"], ["y"]);
        Assert.Single(builder.ToModel().Graph.Node);
    }

    [Fact]
    public void Output_that_nothing_produces_is_rejected_when_building()
    {
        var builder = new OnnxGraphBuilder();
        builder.AddInput("x", TensorProto.Types.DataType.Float, 1);
        builder.AddOutput("y", TensorProto.Types.DataType.Float, 1);

        var exception = Assert.Throws<InvalidOperationException>(builder.ToModel);
        Assert.Contains("'y'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Built_model_is_a_snapshot()
    {
        OnnxGraphBuilder builder = LinearReluModel.CreateBuilder();
        ModelProto before = builder.ToModel();

        builder.AddNode("Neg", ["Y"], ["Z"]);
        builder.SetMetadata("late", "yes");

        Assert.Equal(3, before.Graph.Node.Count);
        Assert.Empty(before.MetadataProps);
        Assert.Equal(4, builder.ToModel().Graph.Node.Count);
    }

    [Fact]
    public void Save_writes_the_model_atomically_and_replaces_an_existing_file()
    {
        using var temp = new TempDirectory();
        string path = temp.File("nested/model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "an older model");
        OnnxGraphBuilder builder = LinearReluModel.CreateBuilder().SetMetadata("k", "v");

        builder.Save(path);

        byte[] written = File.ReadAllBytes(path);
        Assert.Equal(builder.ToBytes(), written);
        ModelProto reread = ModelProto.Parser.ParseFrom(written);
        Assert.Equal("linear_relu", reread.Graph.Name);
        Assert.Equal("v", Assert.Single(reread.MetadataProps).Value);
        Assert.Equal(["model.onnx"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void Save_that_fails_leaves_no_file_behind()
    {
        using var temp = new TempDirectory();
        var builder = new OnnxGraphBuilder();
        builder.AddInput("x", TensorProto.Types.DataType.Float, 1);
        builder.AddOutput("y", TensorProto.Types.DataType.Float, 1);

        Assert.Throws<InvalidOperationException>(() => builder.Save(temp.File("model.onnx")));
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }
}
