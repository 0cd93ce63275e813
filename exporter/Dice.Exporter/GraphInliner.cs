using Dice.Onnx;
using Onnx;

namespace Dice.Exporter;

/// <summary>Copies one ONNX graph into another, every name prefixed so that nothing clashes.</summary>
internal static class GraphInliner
{
    /// <summary>
    /// Adds <paramref name="source"/>'s nodes (and, unless shared, its initializers) to <paramref name="target"/>.
    /// Graph inputs are wired to the values named in <paramref name="inputs"/>; every other name is prefixed.
    /// Returns the target names of the source's outputs.
    /// </summary>
    /// <param name="initializerPrefix">The prefix of initializers already added by an earlier inlining of the
    /// same graph (to share its weights); defaults to <paramref name="prefix"/>.</param>
    public static IReadOnlyDictionary<string, string> Inline(OnnxGraphBuilder target, GraphProto source, string prefix,
        IReadOnlyDictionary<string, string> inputs, bool includeInitializers, string? initializerPrefix = null)
    {
        initializerPrefix ??= prefix;
        var initializers = source.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var input in source.Input.Where(i => !initializers.Contains(i.Name)))
        {
            if (!inputs.ContainsKey(input.Name))
            {
                throw new InvalidDataException($"graph input '{input.Name}' of {source.Name} is not connected");
            }
        }
        string Rename(string name) =>
            name.Length == 0 ? name
            : inputs.TryGetValue(name, out var mapped) ? mapped
            : initializers.Contains(name) ? initializerPrefix + name
            : prefix + name;

        if (includeInitializers)
        {
            foreach (var initializer in source.Initializer)
            {
                var copy = initializer.Clone();
                copy.Name = Rename(initializer.Name);
                target.AddInitializer(copy);
            }
        }
        foreach (var node in source.Node)
        {
            if (node.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0))
            {
                throw new NotSupportedException($"node '{node.Name}' ({node.OpType}) has a subgraph; graphs with control flow cannot be fused yet");
            }
            target.AddNode(node.OpType, node.Input.Select(Rename), node.Output.Select(Rename), node.Attribute.Select(a => a.Clone()),
                node.Name.Length > 0 ? prefix + node.Name : null, node.Domain);
        }
        return source.Output.ToDictionary(o => o.Name, o => Rename(o.Name), StringComparer.Ordinal);
    }
}
