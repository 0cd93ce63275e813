using Dice.Data;

namespace Dice.Evaluation.Metrics;

/// <summary>How well images match their captions' scenes, as the attribute classifier reads them.</summary>
/// <param name="Mean">Correct heads over all heads and images: the attribute accuracy.</param>
/// <param name="PerHead">Accuracy of each <see cref="AttributeSchema"/> head.</param>
/// <param name="ExactScenes">Images whose every head is correct.</param>
public sealed record AttributeAccuracy(double Mean, IReadOnlyList<double> PerHead, double ExactScenes)
{
    /// <summary>Scores <paramref name="predicted"/> labels against the labels of <paramref name="scenes"/>.</summary>
    public static AttributeAccuracy Score(IReadOnlyList<int[]> predicted, IReadOnlyList<SceneSpec> scenes)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(scenes);
        if (predicted.Count != scenes.Count || predicted.Count == 0)
        {
            throw new ArgumentException($"{predicted.Count} predictions for {scenes.Count} scenes: need one per scene, at least one");
        }
        var heads = AttributeSchema.HeadCount;
        var correct = new long[heads];
        long exact = 0;
        for (var i = 0; i < scenes.Count; i++)
        {
            if (predicted[i].Length != heads)
            {
                throw new ArgumentException($"prediction {i} has {predicted[i].Length} labels, not {heads}");
            }
            var truth = AttributeSchema.Encode(scenes[i]);
            var all = true;
            for (var h = 0; h < heads; h++)
            {
                if (predicted[i][h] == truth[h])
                {
                    correct[h]++;
                }
                else
                {
                    all = false;
                }
            }
            exact += all ? 1 : 0;
        }
        var perHead = correct.Select(c => (double)c / scenes.Count).ToList();
        return new AttributeAccuracy(perHead.Average(), perHead, (double)exact / scenes.Count);
    }
}
