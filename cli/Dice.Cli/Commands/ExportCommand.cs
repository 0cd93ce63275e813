using Dice.Core.ModelFolders;
using Dice.Runtime.Pipelines;
using CommandLine;
using Dice.Exporter;
using Dice.Models.Weights;
using Dice.Safetensors;

namespace Dice.Cli.Commands;

[Verb("export", HelpText = "Fuse a trained sharpener ahead of a model folder's text encoder: writes sharpener/ and text_encoder_dice/.")]
public sealed class ExportOptions
{
    [Option("sharpener", Required = true, HelpText = "Folder with sharpener.safetensors and config.json (from dice train).")]
    public string Sharpener { get; set; } = "";

    [Option("model", Required = true, HelpText = "The ONNX model folder to add the DICE encoder to.")]
    public string Model { get; set; } = "";

    [Option("force", HelpText = "Replace the model folder's existing sharpener/ and text_encoder_dice/.")]
    public bool Force { get; set; }
}

/// <summary>`dice export`: any ONNX SD folder becomes a DICE folder (swap in text_encoder_dice, guidance 1).</summary>
public static class ExportCommand
{
    public static int Run(ExportOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        if (!Directory.Exists(options.Model))
        {
            throw new DiceUsageException($"--model {options.Model}: no such folder: give the ONNX model folder to add text_encoder_dice to");
        }
        using var claim = RunOutput.Claim("--model", Path.Combine(options.Model, OnnxModelFolder.TextEncoderDice), isFolder: true, options.Force,
            owned: [Path.Combine(options.Model, OnnxModelFolder.TextEncoderDice), Path.Combine(options.Model, OnnxModelFolder.Sharpener)]);
        try
        {
            SharpenerExporter.Export(options.Sharpener, options.Model, OnnxTextEncoding.LastHiddenState);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or CheckpointMismatchException
                                      or SafetensorsFormatException or NotSupportedException)
        {
            throw new DiceUsageException(e.Message, e);
        }
        output.WriteLine($"wrote {Path.Combine(Path.GetFullPath(options.Model), "text_encoder_dice")} and {Path.Combine(Path.GetFullPath(options.Model), "sharpener")}");
        return ExitCodes.Ok;
    }
}
