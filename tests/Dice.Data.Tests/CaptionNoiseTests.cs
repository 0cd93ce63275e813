using Dice.Data;

namespace Dice.Data.Tests;

public class CaptionNoiseTests
{
    private static readonly SceneSampler Sampler = new(5);

    /// <summary>How often each stated attribute differs from the true one, over <paramref name="count"/> scenes.</summary>
    private static Dictionary<string, (int Changed, int Total)> ChangeRates(CaptionNoise noise, int count)
    {
        var rates = new Dictionary<string, (int Changed, int Total)>(StringComparer.Ordinal);
        void Count(string name, bool changed)
        {
            var (c, t) = rates.GetValueOrDefault(name);
            rates[name] = (c + (changed ? 1 : 0), t + 1);
        }
        for (var i = 0; i < count; i++)
        {
            var scene = Sampler.Sample(i);
            var stated = noise.Stated(scene, seed: 9, index: i);
            Count("background", stated.Background != scene.Background);
            foreach (var (truth, said) in scene.Objects.Zip(stated.Objects))
            {
                Count("shape", said.Shape != truth.Shape);
                Count("size", said.Size != truth.Size);
            }
            if (scene.Second is null)
            {
                Count("position", stated.First.Position != scene.First.Position);
            }
            else
            {
                Count("relation", stated.Relation != scene.Relation);
            }
        }
        return rates;
    }

    [Fact]
    public void Without_noise_the_caption_states_the_true_scene()
    {
        var noise = new CaptionNoise(0);
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(Sampler.Sample(i), noise.Stated(Sampler.Sample(i), seed: 1, index: i));
        }
        var exact = new DatasetGenerator(new DatasetOptions { Seed = 4 });
        Assert.All(exact.DescribeRange(200), s => Assert.Equal(s.Scene.Canonical(), CaptionParser.Parse(s.Caption).Canonical()));
    }

    [Fact]
    public void Each_attribute_is_mis_stated_at_the_given_rate_and_the_stated_scene_stays_valid()
    {
        var rates = ChangeRates(new CaptionNoise(0.3), 4000);
        Assert.Equal(["background", "position", "relation", "shape", "size"], rates.Keys.Order(StringComparer.Ordinal));
        Assert.All(rates, r => Assert.InRange((double)r.Value.Changed / r.Value.Total, 0.26, 0.34));
        Assert.All(ChangeRates(new CaptionNoise(1), 500), r => Assert.Equal(r.Value.Total, r.Value.Changed));
    }

    [Fact]
    public void Captions_are_noisy_but_deterministic_and_images_keep_the_true_scene()
    {
        var options = new DatasetOptions { Seed = 4, ImageSize = 16, CaptionNoise = 0.5 };
        var a = new DatasetGenerator(options);
        var b = new DatasetGenerator(options);
        var exact = new DatasetGenerator(options with { CaptionNoise = 0 });
        var mismatched = 0;
        for (var i = 0; i < 100; i++)
        {
            var sample = a.Generate(i);
            Assert.Equal(sample.Caption, b.Describe(i).Caption);
            var clean = exact.Generate(i);
            Assert.Equal(clean.Scene, sample.Scene);
            Assert.Equal(clean.Image.Pixels, sample.Image.Pixels);
            var stated = CaptionParser.Parse(sample.Caption);
            Assert.All(stated.Objects, o => Assert.NotEqual(stated.Background, o.Color));
            mismatched += stated.Canonical() == sample.Scene.Canonical() ? 0 : 1;
        }
        Assert.InRange(mismatched, 80, 100); // seven or more attributes at 0.5 each: nearly every caption is off somewhere
    }

    [Fact]
    public void A_probability_outside_0_to_1_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CaptionNoise(-0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CaptionNoise(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CaptionNoise(double.NaN));
    }
}
