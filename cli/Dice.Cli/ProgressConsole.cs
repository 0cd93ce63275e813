using Spectre.Console;

namespace Dice.Cli;

/// <summary>Progress bars on stderr (stdout stays clean for results); plain text when stderr is not a terminal.</summary>
internal static class ProgressConsole
{
    public static void Run(string description, Action<ProgressTask> work)
    {
        var redirected = Console.IsErrorRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Error),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        console.Progress()
            .AutoClear(!redirected)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context => work(context.AddTask(description, maxValue: 1)));
    }
}
