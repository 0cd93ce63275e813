namespace Dice.Cli;

/// <summary>Bad input from the user: reported as one line naming the problem and the fix.</summary>
public sealed class DiceUsageException : Exception
{
    public DiceUsageException() { }

    public DiceUsageException(string message) : base(message) { }

    public DiceUsageException(string message, Exception inner) : base(message, inner) { }
}
