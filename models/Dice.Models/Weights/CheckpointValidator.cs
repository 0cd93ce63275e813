using Dice.Safetensors;

namespace Dice.Models.Weights;

/// <summary>
/// Matches a checkpoint's tensors to the parameters a model declares, by name (through a <see cref="WeightNameMap"/>),
/// before anything is loaded; any disagreement fails with every problem listed in one exception.
/// </summary>
public static class CheckpointValidator
{
    /// <summary>One binding per model parameter, in declaration order.</summary>
    /// <exception cref="CheckpointMismatchException">Something is missing, unexpected, of the wrong shape or dtype, or given twice.</exception>
    public static IReadOnlyList<WeightBinding> Validate(IReadOnlyList<ParameterSpec> parameters, SafetensorsCheckpoint checkpoint,
        WeightNameMap? map = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return Validate(parameters, checkpoint.Tensors, checkpoint.FilePath, map);
    }

    /// <inheritdoc cref="Validate(IReadOnlyList{ParameterSpec}, SafetensorsCheckpoint, WeightNameMap?)"/>
    /// <param name="parameters">What the model declares (a <see cref="ParameterInventory"/>).</param>
    /// <param name="tensors">What the checkpoint holds.</param>
    /// <param name="checkpointPath">Named in the error.</param>
    /// <param name="map">How names are read; <see cref="WeightNameMap.Default"/> when null.</param>
    public static IReadOnlyList<WeightBinding> Validate(IReadOnlyList<ParameterSpec> parameters, IReadOnlyList<TensorInfo> tensors,
        string checkpointPath, WeightNameMap? map = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(tensors);
        map ??= WeightNameMap.Default;
        var specs = parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var bound = new Dictionary<string, WeightBinding>(StringComparer.Ordinal);
        var unexpected = new List<TensorInfo>();
        var shapeMismatches = new List<ShapeMismatch>();
        var conflicts = new List<string>();

        foreach (var tensor in tensors.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            // A tensor already named as the model names it is taken as is; a rule that reads the name as itself may
            // still relax its shape (a current-named to_q stored as a 1×1 conv).
            var (modelName, rule) = map.Resolve(tensor.Name);
            if (modelName != tensor.Name && specs.ContainsKey(tensor.Name))
            {
                (modelName, rule) = (tensor.Name, null);
            }
            if (!specs.TryGetValue(modelName, out var spec))
            {
                if (!map.IsIgnored(tensor.Name))
                {
                    unexpected.Add(tensor);
                }
                continue;
            }
            if (bound.TryGetValue(modelName, out var earlier))
            {
                conflicts.Add($"{modelName} is given twice, by '{earlier.CheckpointName}' and by '{tensor.Name}'");
                continue;
            }
            var binding = new WeightBinding(spec.Name, spec.Shape, tensor);
            bound.Add(modelName, binding);
            var fits = rule?.ShapeFits(tensor.Shape, spec.Shape) ?? ShapeText.Equal(tensor.Shape, spec.Shape);
            if (!fits)
            {
                shapeMismatches.Add(new ShapeMismatch(spec.Name, tensor.Name, spec.Shape, tensor.Shape));
            }
            if (!tensor.DType.IsConvertibleToFloat32())
            {
                conflicts.Add($"{tensor.Name} is {tensor.DType.ToHeaderName()}; a weight must be F32, F16, BF16 or F64");
            }
        }

        var missing = parameters.Where(p => !bound.ContainsKey(p.Name)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0 || shapeMismatches.Count > 0 || conflicts.Count > 0)
        {
            throw new CheckpointMismatchException(checkpointPath, missing, unexpected, shapeMismatches, conflicts, bound.Count);
        }
        return [.. parameters.Select(p => bound[p.Name])];
    }
}
