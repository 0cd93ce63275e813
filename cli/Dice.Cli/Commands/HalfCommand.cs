using System.Globalization;
using CommandLine;
using Dice.Safetensors;

namespace Dice.Cli.Commands;

[Verb("half", HelpText = "Store every float32 tensor of the .safetensors files under a folder as float16, in place (e.g. a diffusers weights folder to ship).")]
public sealed class HalfOptions
{
    [Value(0, MetaName = "folder", Required = true, HelpText = "The folder (searched recursively) or one .safetensors file.")]
    public string Path { get; set; } = "";
}

/// <summary>`dice half`: float16 storage for checkpoints; Dice's loaders widen it back to float32.</summary>
public static class HalfCommand
{
    public static int Run(HalfOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var files = File.Exists(options.Path) ? [options.Path]
            : Directory.Exists(options.Path) ? Directory.GetFiles(options.Path, "*.safetensors", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray()
            : throw new DiceUsageException($"{options.Path} does not exist: give a folder or a .safetensors file");
        if (files.Length == 0)
        {
            throw new DiceUsageException($"{options.Path} holds no .safetensors files");
        }
        // In place by design: no --force, but one run at a time.
        using var claim = RunOutput.Claim("folder", options.Path, isFolder: Directory.Exists(options.Path), force: true);
        foreach (var file in files)
        {
            var (before, after) = SafetensorsHalfPrecision.ConvertFile(file);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{file}: {before:N0} → {after:N0} bytes"));
        }
        return ExitCodes.Ok;
    }
}
