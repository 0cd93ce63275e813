using System.Globalization;

namespace Dice.Trainer.Classifier;

/// <summary>Per-head accuracy of the classifier on <see cref="Count"/> images.</summary>
/// <param name="HeadNames">The heads, in schema order.</param>
/// <param name="Accuracy">The fraction of images whose argmax class is right, per head.</param>
/// <param name="Count">Images evaluated.</param>
/// <param name="AllHeadsCorrect">The fraction of images with every head right.</param>
public sealed record AttributeClassifierEvaluation(
    IReadOnlyList<string> HeadNames, IReadOnlyList<double> Accuracy, int Count, double AllHeadsCorrect)
{
    /// <summary>The accuracy of the head called <paramref name="head"/>.</summary>
    public double this[string head]
    {
        get
        {
            for (var i = 0; i < HeadNames.Count; i++)
            {
                if (string.Equals(HeadNames[i], head, StringComparison.Ordinal))
                {
                    return Accuracy[i];
                }
            }
            throw new KeyNotFoundException($"no head called '{head}'");
        }
    }

    /// <summary>The lowest per-head accuracy.</summary>
    public double MinAccuracy => Accuracy.Count == 0 ? 0 : Accuracy.Min();

    /// <summary>"count 0.991, background 1.000, ..." for logs and assertion messages.</summary>
    public override string ToString() =>
        string.Join(", ", HeadNames.Zip(Accuracy, (name, a) => string.Create(CultureInfo.InvariantCulture, $"{name} {a:F3}")))
        + string.Create(CultureInfo.InvariantCulture, $"; all heads {AllHeadsCorrect:F3} on {Count} images");
}
