using Dice.Data;
using Dice.Trainer.Sharpener;

namespace Dice.Trainer.Tests.Sharpener;

/// <summary>Which images and captions sharpener training takes: each image once an epoch, one of its captions drawn per epoch.</summary>
public sealed class SharpenerDataOrderTests
{
    private static readonly ImageCaptions[] Images =
    [
        new("/d/a.jpg", ["only a"]),
        new("/d/b.jpg", ["b1", "b2", "b3", "b4", "b5"]),
        new("/d/c.jpg", ["c1", "c2"]),
    ];

    [Fact]
    public void Every_epoch_takes_each_image_once_with_one_of_its_own_captions()
    {
        // Batch 3 over 3 images: each step is one epoch.
        var order = new SharpenerDataOrder(Images, batchSize: 3, gradientAccumulation: 1, seed: 11);
        for (var step = 0; step < 20; step++)
        {
            var items = order.BatchItems(step);
            Assert.Equal(["/d/a.jpg", "/d/b.jpg", "/d/c.jpg"], items.Select(i => i.ImagePath).Order(StringComparer.Ordinal));
            foreach (var item in items)
            {
                Assert.Contains(item.Caption, Images.Single(i => i.ImagePath == item.ImagePath).Captions);
            }
            Assert.Equal("only a", items.Single(i => i.ImagePath == "/d/a.jpg").Caption);
        }
    }

    [Fact]
    public void Captions_are_drawn_uniformly_per_epoch()
    {
        var order = new SharpenerDataOrder(Images, batchSize: 3, gradientAccumulation: 1, seed: 5);
        const int Epochs = 2000;
        var b = Enumerable.Range(0, Epochs).Select(e => order.Caption(e, 1)).ToList();
        var c = Enumerable.Range(0, Epochs).Select(e => order.Caption(e, 2)).ToList();
        // Uniform choice: each of b's five captions about 400 times (binomial sd √(2000·0.2·0.8) ≈ 18), each of c's two
        // about 1000 (sd ≈ 22); the bounds are five standard deviations wide.
        foreach (var caption in Images[1].Captions)
        {
            Assert.InRange(b.Count(x => x == caption), 310, 490);
        }
        Assert.InRange(c.Count(x => x == "c1"), 890, 1110);
        // The draw changes between epochs rather than being fixed per image.
        Assert.True(b.Zip(b.Skip(1)).Count(p => p.First != p.Second) > Epochs / 2);
    }

    [Fact]
    public void The_same_seed_gives_the_same_items_and_a_fresh_order_picks_up_mid_run()
    {
        var walked = new SharpenerDataOrder(Images, batchSize: 2, gradientAccumulation: 2, seed: 7);
        var all = Enumerable.Range(0, 12).SelectMany(s => walked.BatchItems(s, 0).Concat(walked.BatchItems(s, 1))).ToList();
        var again = new SharpenerDataOrder(Images, batchSize: 2, gradientAccumulation: 2, seed: 7);
        var resumed = Enumerable.Range(8, 4).SelectMany(s => again.BatchItems(s, 0).Concat(again.BatchItems(s, 1)));
        // Steps 8–11 are positions 32–47 of the walk (2 micro-batches × 2 images a step).
        Assert.Equal(all.Skip(32), resumed);
        var other = new SharpenerDataOrder(Images, batchSize: 2, gradientAccumulation: 2, seed: 8);
        Assert.NotEqual(all, Enumerable.Range(0, 12).SelectMany(s => other.BatchItems(s, 0).Concat(other.BatchItems(s, 1))));
    }

    [Fact]
    public void An_image_without_captions_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new SharpenerDataOrder([new ImageCaptions("/d/x.png", [])], 1, 1, 0));
    }
}
