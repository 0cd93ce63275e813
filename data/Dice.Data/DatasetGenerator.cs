using Dice.Core.Images;

namespace Dice.Data;

/// <summary>Settings of the synthetic captioned-shapes dataset.</summary>
public sealed record DatasetOptions
{
    /// <summary>Fixes every scene and caption.</summary>
    public long Seed { get; init; }

    /// <summary>Side of the square images in pixels (at least 8; dice-mini uses 32).</summary>
    public int ImageSize { get; init; } = SceneRenderer.DefaultImageSize;

    /// <summary>Anti-aliasing samples per pixel along each axis.</summary>
    public int Supersampling { get; init; } = SceneRenderer.DefaultSupersampling;

    /// <summary>Probability that a scene has two objects rather than one.</summary>
    public double TwoObjectProbability { get; init; } = SceneSampler.DefaultTwoObjectProbability;

    /// <summary>Chance that a caption mis-states any one attribute (see <see cref="Data.CaptionNoise"/>); 0: captions are exact.</summary>
    public double CaptionNoise { get; init; }
}

/// <summary>A scene and its caption, without the image. With caption noise the caption may mis-state the scene.</summary>
public sealed record CaptionedScene(long Index, SceneSpec Scene, string Caption);

/// <summary>One generated sample: scene, caption and rendered image.</summary>
public sealed record GeneratedSample(long Index, SceneSpec Scene, string Caption, RgbImage Image);

/// <summary>
/// The synthetic captioned-shapes dataset: sample <c>i</c> is a pure function of (options, i), so any sample can be
/// made alone, in any order, on any thread. Thread-safe.
/// </summary>
public sealed class DatasetGenerator
{
    private readonly SceneSampler _sampler;
    private readonly CaptionWriter _captions;
    private readonly SceneRenderer _renderer;
    private readonly CaptionNoise _noise;

    public DatasetGenerator(DatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ImageSize, 8, nameof(options.ImageSize));
        Options = options;
        _sampler = new SceneSampler(options.Seed, options.TwoObjectProbability);
        _captions = new CaptionWriter(options.Seed);
        _renderer = new SceneRenderer(options.Supersampling);
        _noise = new CaptionNoise(options.CaptionNoise);
    }

    /// <summary>A generator with the default settings and <paramref name="seed"/>.</summary>
    public DatasetGenerator(long seed, int imageSize = SceneRenderer.DefaultImageSize)
        : this(new DatasetOptions { Seed = seed, ImageSize = imageSize })
    {
    }

    public DatasetOptions Options { get; }

    /// <summary>The scene and caption of sample <paramref name="index"/> (cheap: nothing is rendered).</summary>
    public CaptionedScene Describe(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var scene = _sampler.Sample(index);
        return new CaptionedScene(index, scene, _captions.Write(_noise.Stated(scene, Options.Seed, index), index));
    }

    /// <summary>Sample <paramref name="index"/>, rendered.</summary>
    public GeneratedSample Generate(long index)
    {
        var described = Describe(index);
        return new GeneratedSample(index, described.Scene, described.Caption, _renderer.Render(described.Scene, Options.ImageSize));
    }

    /// <summary>Scenes and captions of samples 0 … <paramref name="count"/> − 1.</summary>
    public IEnumerable<CaptionedScene> DescribeRange(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Enumerate(count);

        IEnumerable<CaptionedScene> Enumerate(int n)
        {
            for (long i = 0; i < n; i++)
            {
                yield return Describe(i);
            }
        }
    }
}
