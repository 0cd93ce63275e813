using System.Globalization;
using System.Text.Json;
using CommandLine;
using Dice.Onnx;
using Dice.Core.ModelFolders;

namespace Dice.Cli.Commands;

[Verb("inspect", HelpText = "Show what an ONNX model folder holds: components, inputs and outputs, parameter counts, DICE artifacts.")]
public sealed class InspectOptions
{
    [Value(0, MetaName = "model", Required = true, HelpText = "The ONNX model folder (Optimum / diffusers layout).")]
    public string Model { get; set; } = "";

    [Option("json", HelpText = "Print the report as JSON.")]
    public bool Json { get; set; }
}

/// <summary>`dice inspect MODEL`: reads each component's graph from its protobuf (no weights are loaded).</summary>
public static class InspectCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static int Run(InspectOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        OnnxModelFolder folder;
        try
        {
            folder = OnnxModelFolder.Open(options.Model);
        }
        catch (Exception e) when (e is DirectoryNotFoundException or InvalidDataException)
        {
            throw new DiceUsageException(e.Message, e);
        }

        var components = new List<ComponentReport>();
        foreach (var name in folder.PresentComponents)
        {
            OnnxModelSummary summary;
            try
            {
                summary = OnnxModelSummary.Read(folder.ModelPath(name));
            }
            catch (InvalidDataException e)
            {
                throw new DiceUsageException(e.Message, e);
            }
            components.Add(new ComponentReport(name, summary, folder.SizeOnDisk(name)));
        }
        var report = new FolderReport(folder.Root, folder.HasTokenizer, folder.HasScheduler, folder.HasDice, components);
        if (options.Json)
        {
            output.WriteLine(JsonSerializer.Serialize(report, JsonOptions));
        }
        else
        {
            Print(report, output);
        }
        return ExitCodes.Ok;
    }

    private static void Print(FolderReport report, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine($"model folder  {report.Root}");
        output.WriteLine($"tokenizer     {(report.Tokenizer ? "yes" : "missing")}");
        output.WriteLine($"scheduler     {(report.Scheduler ? "yes" : "missing")}");
        output.WriteLine($"DICE          {(report.Dice ? "text_encoder_dice present" : "no text_encoder_dice")}");
        foreach (var component in report.Components)
        {
            var s = component.Summary;
            output.WriteLine();
            output.WriteLine(string.Create(c,
                $"{component.Name}: {s.ParameterCount:N0} parameters, {component.Bytes / 1048576.0:F1} MiB" +
                $"{(s.UsesExternalData ? " (external data)" : "")}, IR {s.IrVersion}, opset {string.Join(", ", s.Opsets.Select(o => $"{o.Key} {o.Value}"))}"));
            foreach (var input in s.Inputs)
            {
                output.WriteLine($"  in   {input}");
            }
            foreach (var o in s.Outputs)
            {
                output.WriteLine($"  out  {o}");
            }
        }
    }

    private sealed record ComponentReport(string Name, OnnxModelSummary Summary, long Bytes);

    private sealed record FolderReport(string Root, bool Tokenizer, bool Scheduler, bool Dice, IReadOnlyList<ComponentReport> Components);
}
