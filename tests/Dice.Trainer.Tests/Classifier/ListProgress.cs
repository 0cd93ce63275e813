namespace Dice.Trainer.Tests.Classifier;

/// <summary>Collects reports synchronously (Progress&lt;T&gt; posts them to the thread pool).</summary>
internal sealed class ListProgress(List<(int Step, double Loss)> reports) : IProgress<(int Step, double Loss)>
{
    public void Report((int Step, double Loss) value) => reports.Add(value);
}
