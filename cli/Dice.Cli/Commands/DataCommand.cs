using Dice.Core;
using CommandLine;
using Dice.Data;

namespace Dice.Cli.Commands;

[Verb("data", HelpText = "Write dice-mini's synthetic captioned shapes as an imagefolder dataset (metadata.jsonl + PNGs), the format `dice train` reads.")]
public sealed class DataOptions
{
    [Option('o', "out", Required = true, HelpText = "The dataset folder to write.")]
    public string Output { get; set; } = "";

    [Option("split", Default = "train", HelpText = "train (seed 1, what dice-mini was trained on) or held-out (seed 1000003).")]
    public string Split { get; set; } = "train";

    [Option("count", Default = 10000, HelpText = "Samples to write (the first COUNT of the split).")]
    public int Count { get; set; } = 10000;

    [Option("image-size", Default = 32, HelpText = "Side of the square images in pixels.")]
    public int ImageSize { get; set; } = 32;

    [Option("force", HelpText = "Replace OUT if it exists.")]
    public bool Force { get; set; }
}

/// <summary>`dice data`: the dice-mini splits on disk, built under a temporary name and renamed into place.</summary>
public static class DataCommand
{
    public static int Run(DataOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        if (options.Count < 1)
        {
            throw new DiceUsageException($"--count must be at least 1, not {options.Count}");
        }
        if (options.ImageSize < 8)
        {
            throw new DiceUsageException($"--image-size must be at least 8 pixels, not {options.ImageSize}");
        }
        var generator = options.Split.ToLowerInvariant() switch
        {
            "train" => DiceMiniSplits.Train(options.ImageSize),
            "held-out" or "heldout" => DiceMiniSplits.HeldOut(options.ImageSize),
            _ => throw new DiceUsageException($"unknown --split '{options.Split}': use train or held-out"),
        };
        using var claim = RunOutput.Claim("--out", options.Output, isFolder: true, options.Force);
        ProgressConsole.Run($"writing {options.Count} samples", task => ImageFolderWriter.Write(options.Output, generator, options.Count,
            new InlineProgress<int>(n => task.Value = (double)n / options.Count), overwrite: true));
        output.WriteLine(Path.GetFullPath(options.Output));
        return ExitCodes.Ok;
    }
}
