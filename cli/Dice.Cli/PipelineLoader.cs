using Dice.Cli.Commands;
using Dice.Core.ModelFolders;
using Dice.Runtime;
using Dice.Runtime.Pipelines;

namespace Dice.Cli;

/// <summary>The model folder and execution provider options that `dice generate` and `dice eval` share.</summary>
internal static class PipelineLoader
{
    /// <summary>Environment variable naming the default model folder instead of the embedded dice-mini.</summary>
    public const string ModelVariable = "DICE_MODEL";

    /// <summary>The default model: $DICE_MODEL, else the embedded dice-mini beside the executable.</summary>
    public static string DefaultModel =>
        Environment.GetEnvironmentVariable(ModelVariable) is { Length: > 0 } path
            ? path
            : Path.Combine(AppContext.BaseDirectory, "onnx-models", "dice-mini");

    public static ExecutionProvider ParseProvider(string name) => name.ToLowerInvariant() switch
    {
        "cpu" => ExecutionProvider.Cpu,
        "cuda" => ExecutionProvider.Cuda,
        _ => throw new DiceUsageException($"unknown --ep '{name}': use cpu or cuda"),
    };

    /// <summary><paramref name="model"/>, or the default model when null; a usage error if the folder is missing.</summary>
    public static string ResolveModel(string? model)
    {
        var folder = model ?? DefaultModel;
        if (!Directory.Exists(folder))
        {
            throw new DiceUsageException(model is null
                ? $"the default model is not at {folder} (the embedded dice-mini, or ${ModelVariable}); pass --model FOLDER"
                : $"model folder {folder} does not exist");
        }
        return folder;
    }

    /// <summary>Opens the folder without loading anything; a folder that is not an ONNX model folder is a usage error.</summary>
    public static OnnxModelFolder OpenFolder(string folder)
    {
        try
        {
            return OnnxModelFolder.Open(folder);
        }
        catch (Exception e) when (e is InvalidDataException or DirectoryNotFoundException)
        {
            throw new DiceUsageException(e.Message, e);
        }
    }

    /// <summary>Loads the pipeline; an incomplete folder or a missing provider is a usage error naming the problem.</summary>
    public static StableDiffusionPipeline Load(string folder, ExecutionProvider provider)
    {
        try
        {
            return StableDiffusionPipeline.Load(folder, new RuntimeOptions { ExecutionProvider = provider });
        }
        catch (Exception e) when (e is InvalidDataException or DirectoryNotFoundException or ExecutionProviderUnavailableException
                                      or FileNotFoundException)
        {
            throw new DiceUsageException(e.Message, e);
        }
    }
}
