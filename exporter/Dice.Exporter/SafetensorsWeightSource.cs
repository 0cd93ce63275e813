using Dice.Models;
using Dice.Safetensors;

namespace Dice.Exporter;

/// <summary>
/// Parameter values read by name from a safetensors checkpoint (any float dtype, converted to float32). An
/// optional name map translates the model's state-dict names to the checkpoint's; stricter checking
/// (unused tensors, renamed layouts) belongs in a wrapper that validates the checkpoint first.
/// </summary>
public sealed class SafetensorsWeightSource : IWeightSource, IDisposable
{
    private readonly SafetensorsCheckpoint checkpoint;
    private readonly Func<string, string> checkpointName;
    private readonly bool ownsCheckpoint;

    public SafetensorsWeightSource(SafetensorsCheckpoint checkpoint, Func<string, string>? checkpointName = null)
        : this(checkpoint, checkpointName, ownsCheckpoint: false)
    {
    }

    private SafetensorsWeightSource(SafetensorsCheckpoint checkpoint, Func<string, string>? checkpointName, bool ownsCheckpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        this.checkpoint = checkpoint;
        this.checkpointName = checkpointName ?? (name => name);
        this.ownsCheckpoint = ownsCheckpoint;
    }

    /// <summary>Opens a checkpoint (file, index or directory, see <see cref="SafetensorsCheckpoint.Open"/>) that the source then owns.</summary>
    public static SafetensorsWeightSource Open(string path, Func<string, string>? checkpointName = null) =>
        new(SafetensorsCheckpoint.Open(path), checkpointName, ownsCheckpoint: true);

    public void Read(ParameterSpec parameter, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var name = checkpointName(parameter.Name);
        if (!checkpoint.TryGetTensor(name, out var tensor))
        {
            var what = name == parameter.Name ? $"'{name}'" : $"'{name}' (parameter '{parameter.Name}')";
            throw new KeyNotFoundException($"{checkpoint.FilePath}: no tensor {what}");
        }
        if (!tensor.Shape.SequenceEqual(parameter.Shape))
        {
            throw new InvalidDataException(
                $"{checkpoint.FilePath}: tensor '{name}' has shape [{string.Join(", ", tensor.Shape)}]; the model declares [{string.Join(", ", parameter.Shape)}]");
        }
        checkpoint.ReadFloat32(name, destination);
    }

    public void Dispose()
    {
        if (ownsCheckpoint)
        {
            checkpoint.Dispose();
        }
    }
}
