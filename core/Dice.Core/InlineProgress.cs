namespace Dice.Core;

/// <summary>Reports on the calling thread (<see cref="Progress{T}"/> would post to a synchronisation context).</summary>
public sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
