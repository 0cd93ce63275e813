using Dice.Safetensors;

namespace Dice.Models.Weights;

/// <summary>
/// A checkpoint validated against a model's parameters, read by the model's names. A backend asks it for each
/// parameter it creates (the torch backend) or writes (the ONNX exporter); engine-neutral, memory-mapped, and
/// strict: opening fails with <see cref="CheckpointMismatchException"/> unless every parameter is there with a
/// fitting shape and nothing else is.
/// </summary>
public sealed class WeightSource : IDisposable
{
    private readonly Dictionary<string, WeightBinding> bindings;
    private readonly bool ownsCheckpoint;

    /// <summary>Validates an open checkpoint.</summary>
    /// <param name="checkpoint">The checkpoint to read from.</param>
    /// <param name="parameters">What the model declares (<see cref="ParameterInventory.Of"/>).</param>
    /// <param name="map">How names are read; <see cref="WeightNameMap.Default"/> when null.</param>
    /// <param name="ownsCheckpoint">Whether disposing this disposes the checkpoint.</param>
    /// <exception cref="CheckpointMismatchException">The checkpoint does not fit the model.</exception>
    public WeightSource(SafetensorsCheckpoint checkpoint, IReadOnlyList<ParameterSpec> parameters, WeightNameMap? map = null,
        bool ownsCheckpoint = false)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        Checkpoint = checkpoint;
        Bindings = CheckpointValidator.Validate(parameters, checkpoint, map);
        bindings = Bindings.ToDictionary(b => b.ModelName, StringComparer.Ordinal);
        this.ownsCheckpoint = ownsCheckpoint;
    }

    public SafetensorsCheckpoint Checkpoint { get; }

    /// <summary>Every model parameter with the tensor that fills it, in declaration order.</summary>
    public IReadOnlyList<WeightBinding> Bindings { get; }

    /// <summary>Opens a .safetensors file, an index .json, or a directory holding one, and validates it.</summary>
    /// <exception cref="FileNotFoundException">No checkpoint there.</exception>
    /// <exception cref="SafetensorsFormatException">The file is not valid safetensors.</exception>
    /// <exception cref="CheckpointMismatchException">The checkpoint does not fit the model.</exception>
    public static WeightSource Open(string path, IReadOnlyList<ParameterSpec> parameters, WeightNameMap? map = null)
    {
        var checkpoint = SafetensorsCheckpoint.Open(path);
        try
        {
            return new WeightSource(checkpoint, parameters, map, ownsCheckpoint: true);
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    /// <summary>Opens and validates a checkpoint against the parameters <paramref name="define"/> declares.</summary>
    /// <example><c>WeightSource.Open(path, ops => new ClipTextModel&lt;ParameterInventory.Declared&gt;(ops, config))</c></example>
    public static WeightSource Open(string path, Action<ITensorOps<ParameterInventory.Declared>> define, WeightNameMap? map = null) =>
        Open(path, ParameterInventory.Of(define), map);

    public bool Contains(string name) => bindings.ContainsKey(name);

    /// <exception cref="KeyNotFoundException">The model declared no such parameter.</exception>
    public WeightBinding GetBinding(string name) =>
        bindings.TryGetValue(name, out var binding)
            ? binding
            : throw new KeyNotFoundException($"'{name}' is not a parameter of the model {Checkpoint.FilePath} was validated for");

    /// <summary>The dtype <see cref="Read"/> returns for a parameter under the given precision.</summary>
    public WeightDType LoadedDType(string name, HalfPrecision half = HalfPrecision.ConvertToFloat32) =>
        half == HalfPrecision.Keep ? WeightDTypes.FromSafetensors(GetBinding(name).Tensor.DType) : WeightDType.Float32;

    /// <summary>A parameter's data in the model's shape: float32, or 16-bit as stored when asked to keep half precision.</summary>
    public WeightTensor Read(string name, HalfPrecision half = HalfPrecision.ConvertToFloat32)
    {
        var binding = GetBinding(name);
        var dtype = LoadedDType(name, half);
        if (dtype == WeightDType.Float32)
        {
            return WeightTensor.FromFloat32(name, binding.ModelShape, Checkpoint.ReadFloat32(binding.CheckpointName));
        }
        return WeightTensor.FromBytes(name, dtype, binding.ModelShape, Checkpoint.GetSpan(binding.CheckpointName));
    }

    /// <summary>A parameter's values widened to float32 into <paramref name="destination"/> (its element count long).</summary>
    public void ReadFloat32(string name, Span<float> destination) => Checkpoint.ReadFloat32(GetBinding(name).CheckpointName, destination);

    /// <summary>Every parameter, in declaration order, read one at a time.</summary>
    public IEnumerable<WeightTensor> ReadAll(HalfPrecision half = HalfPrecision.ConvertToFloat32) =>
        Bindings.Select(b => Read(b.ModelName, half));

    public void Dispose()
    {
        if (ownsCheckpoint)
        {
            Checkpoint.Dispose();
        }
    }
}
