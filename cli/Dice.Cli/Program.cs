using CommandLine;
using CommandLine.Text;
using Dice.Cli.Commands;
using Dice.Core.IO;

namespace Dice.Cli;

/// <summary>`dice VERB [options]`: parses the verb and hands over to its command.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        // No help writer: --help and --version go to stdout below, and a parse error is one line on stderr.
        using var parser = new Parser(settings =>
        {
            settings.HelpWriter = null;
            settings.CaseInsensitiveEnumValues = true;
            settings.AutoVersion = true;
        });
        var result = parser.ParseArguments(args, Verbs);
        if (result is Parsed<object> parsed && ParseErrorMessage.TrailingOptionWithoutValue(args, parsed.Value.GetType()) is { } message)
        {
            Console.Error.WriteLine(message);
            return ExitCodes.BadUsage;
        }
        return result.MapResult(
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
                errors => NotParsed(result, errors.ToList(), args));
    }

    private static readonly Type[] Verbs = [typeof(GenerateOptions), typeof(ExportOptions), typeof(ConvertOptionsVerb), typeof(InspectOptions),
        typeof(InfoOptions), typeof(TrainOptions), typeof(MiniOptions), typeof(EvalOptions), typeof(DataOptions), typeof(HalfOptions),
        typeof(TuneOptions)];

    /// <summary>--help and --version: the text on stdout, exit 0; any other parse error: one line on stderr, exit 2.</summary>
    private static int NotParsed(ParserResult<object> result, List<Error> errors, string[] args)
    {
        if (errors.Count > 0 && errors.All(e => e.Tag is ErrorType.HelpRequestedError or ErrorType.HelpVerbRequestedError
                or ErrorType.VersionRequestedError))
        {
            if (errors.All(e => e.Tag is ErrorType.VersionRequestedError))
            {
                Console.Out.WriteLine(HeadingInfo.Default);
            }
            else
            {
                Console.Out.Write(HelpText.AutoBuild(result));
                Console.Out.WriteLine();
            }
            return ExitCodes.Ok;
        }
        var verb = result.TypeInfo.Current;
        Console.Error.WriteLine(ParseErrorMessage.For(errors, Verbs.Contains(verb) ? verb : null, args, Verbs));
        return ExitCodes.BadUsage;
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
