using CommandLine;
using Dice.Cli.Commands;
using Dice.Core.IO;

namespace Dice.Cli;

/// <summary>`dice VERB [options]`: parses the verb and hands over to its command.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        using var parser = new Parser(settings =>
        {
            settings.HelpWriter = Console.Error;
            settings.CaseInsensitiveEnumValues = true;
            settings.AutoVersion = true;
        });
        return parser.ParseArguments(args, typeof(GenerateOptions), typeof(ExportOptions), typeof(ConvertOptionsVerb), typeof(InspectOptions), typeof(InfoOptions), typeof(TrainOptions), typeof(MiniOptions), typeof(EvalOptions), typeof(DataOptions), typeof(HalfOptions), typeof(TuneOptions))
            .MapResult(
                (GenerateOptions o) => Run(() => GenerateCommand.Run(o, Console.Out)),
                (ExportOptions o) => Run(() => ExportCommand.Run(o, Console.Out)),
                (InfoOptions o) => Run(() => InfoCommand.Run(o, Console.Out)),
                (InspectOptions o) => Run(() => InspectCommand.Run(o, Console.Out)),
                (ConvertOptionsVerb o) => Run(() => ConvertCommand.Run(o, Console.Out)),
                (TrainOptions o) => Run(() => TrainCommand.Run(o, Console.Out)),
                (MiniOptions o) => Run(() => MiniCommand.Run(o, Console.Out)),
                (EvalOptions o) => Run(() => EvalCommand.Run(o, Console.Out)),
                (DataOptions o) => Run(() => DataCommand.Run(o, Console.Out)),
                (HalfOptions o) => Run(() => HalfCommand.Run(o, Console.Out)),
                (TuneOptions o) => Run(() => TuneCommand.Run(o, Console.Out)),
                errors => errors.All(e => e.Tag is ErrorType.HelpRequestedError or ErrorType.HelpVerbRequestedError
                    or ErrorType.VersionRequestedError) ? ExitCodes.Ok : ExitCodes.BadUsage);
    }

    /// <summary>Turns a user-facing failure into one line on stderr and a non-zero exit code.</summary>
    private static int Run(Func<int> command)
    {
        try
        {
            return command();
        }
        catch (DiceUsageException e)
        {
            Console.Error.WriteLine($"dice: {e.Message}");
            return ExitCodes.BadUsage;
        }
        catch (PathEscapeException e)
        {
            // A hostile or broken input file, not a fault of Dice: its message names the file, the path and the fix.
            Console.Error.WriteLine($"dice: {e.Message}");
            return ExitCodes.BadUsage;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("DICE_DEBUG") != "1")
        {
            Console.Error.WriteLine($"dice: error: {e.Message} ({e.GetType().Name}; set DICE_DEBUG=1 for the stack trace)");
            return ExitCodes.Failed;
        }
    }
}
