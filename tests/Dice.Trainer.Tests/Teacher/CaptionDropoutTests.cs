using Dice.Trainer.Teacher;
using TorchSharp;

namespace Dice.Trainer.Tests.Teacher;

public sealed class CaptionDropoutTests
{
    [Fact]
    public void About_ten_percent_of_captions_become_empty()
    {
        var dropout = new CaptionDropout(0.1);
        using var generator = new torch.Generator(5);
        var captions = Enumerable.Repeat("a red circle", 500).ToArray();
        var empty = 0;
        for (var i = 0; i < 40; i++)
        {
            var result = dropout.Apply(captions, generator);
            Assert.All(result, c => Assert.True(c.Length == 0 || c == "a red circle"));
            empty += result.Count(c => c.Length == 0);
        }
        // 20,000 draws: the standard deviation of the rate is 0.0021.
        Assert.InRange(empty / 20_000.0, 0.09, 0.11);
    }

    [Fact]
    public void The_same_seed_drops_the_same_captions()
    {
        var dropout = new CaptionDropout(0.1);
        var captions = Enumerable.Range(0, 200).Select(i => $"caption {i}").ToArray();
        using var a = new torch.Generator(9);
        using var b = new torch.Generator(9);
        Assert.Equal(dropout.Apply(captions, a), dropout.Apply(captions, b));
    }
}
