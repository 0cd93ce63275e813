using Dice.Data;

namespace Dice.Data.Tests;

public class DiceMiniSplitsTests
{
    [Fact]
    public void Splits_come_from_different_seeds()
    {
        Assert.Equal(DiceMiniSplits.TrainSeed, DiceMiniSplits.Train().Options.Seed);
        Assert.Equal(DiceMiniSplits.HeldOutSeed, DiceMiniSplits.HeldOut().Options.Seed);
        Assert.NotEqual(DiceMiniSplits.Train().Describe(0), DiceMiniSplits.HeldOut().Describe(0));
        Assert.Equal(64, DiceMiniSplits.Train(64).Options.ImageSize);
    }

    [Fact]
    public void Held_out_captions_are_deterministic_and_can_exclude_training_captions()
    {
        var plain = DiceMiniSplits.HeldOutCaptions(300);
        Assert.Equal(plain, DiceMiniSplits.HeldOutCaptions(300));
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), plain.Select(s => s.Index));

        var train = DiceMiniSplits.Train().DescribeRange(5000).Select(s => s.Caption).ToHashSet();
        Assert.Contains(plain, s => train.Contains(s.Caption));   // the scene space is small: overlap is expected
        var unseen = DiceMiniSplits.HeldOutCaptions(300, excludeTrainCount: 5000);
        Assert.Equal(300, unseen.Count);
        Assert.DoesNotContain(unseen, s => train.Contains(s.Caption));
        Assert.All(unseen, s => Assert.Equal(DiceMiniSplits.HeldOut().Describe(s.Index), s));
    }

    [Fact]
    public void Writes_the_training_split()
    {
        using var temp = new TempDirectory();
        DiceMiniSplits.WriteTrain(temp.File("train"), 10);
        var dataset = ImageFolderDataset.Load(temp.File("train"));
        Assert.Equal(DiceMiniSplits.Train().Describe(9).Caption, dataset.Items[9].Caption);
    }
}
