using Dice.Core.IO;
using Dice.Runtime.OnnxFileReferences;
using Google.Protobuf;

namespace Dice.Runtime;

/// <summary>
/// Checks the external-data files an .onnx model names before ONNX Runtime opens it: each "location" must stay inside
/// the model's folder (<see cref="ConfinedPath"/>). ONNX Runtime would otherwise read, or refuse in a multi-line log,
/// a location that is absolute, steps up with '..' or goes through a link to somewhere else.
/// </summary>
public static class OnnxExternalData
{
    public const string LocationKey = "location";

    // Only the fields that lead to tensors are declared; raw weights and everything else are skipped, not kept.
    private static readonly MessageParser<ModelProto> Parser = ModelProto.Parser.WithDiscardUnknownFields(true);

    /// <summary>Throws unless every external-data file <paramref name="modelPath"/> names lies inside its folder.</summary>
    /// <exception cref="PathEscapeException">A location leads outside the model's folder.</exception>
    /// <remarks>A file that is not a readable ONNX model is left for ONNX Runtime to report.</remarks>
    public static void Check(string modelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(modelPath);
            model = Parser.ParseFrom(stream);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or IOException or UnauthorizedAccessException)
        {
            return;
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        foreach (var location in Locations(model).Distinct(StringComparer.Ordinal))
        {
            ConfinedPath.Resolve(folder, location, modelPath, "external data location");
        }
    }

    private static IEnumerable<string> Locations(ModelProto model) =>
        Graph(model.Graph).Concat(model.Functions.SelectMany(f => f.Node.SelectMany(Node)));

    private static IEnumerable<string> Graph(GraphProto? graph) => graph is null ? [] :
        graph.Initializer.SelectMany(Tensor)
            .Concat(graph.SparseInitializer.SelectMany(Sparse))
            .Concat(graph.Node.SelectMany(Node));

    // Subgraphs (If, Loop, Scan bodies) and tensor attributes (Constant) can hold external data too.
    private static IEnumerable<string> Node(NodeProto node) => node.Attribute.SelectMany(a =>
        Tensor(a.T).Concat(a.Tensors.SelectMany(Tensor))
            .Concat(Graph(a.G)).Concat(a.Graphs.SelectMany(Graph))
            .Concat(Sparse(a.SparseTensor)).Concat(a.SparseTensors.SelectMany(Sparse)));

    private static IEnumerable<string> Sparse(SparseTensorProto? sparse) =>
        sparse is null ? [] : Tensor(sparse.Values).Concat(Tensor(sparse.Indices));

    private static IEnumerable<string> Tensor(TensorProto? tensor) =>
        tensor is null ? [] : tensor.ExternalData.Where(e => e.Key == LocationKey).Select(e => e.Value);
}
