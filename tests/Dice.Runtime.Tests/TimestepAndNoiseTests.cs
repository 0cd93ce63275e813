using Dice.Core.Images;
using Dice.Core.IO;
using Dice.Core.Sampling;
using Dice.Core.Schedulers;
using Dice.Runtime.Pipelines;

namespace Dice.Runtime.Tests;

/// <summary>
/// Timesteps reach a float32 timestep input unchanged and an int64 one truncated, and the result says which; the
/// initial latents come from the named noise source as one draw for the whole batch, or from given latents.
/// </summary>
[Collection(TinyOnnxModelCollection.Name)]
public sealed class TimestepAndNoiseTests(TinyOnnxModel model)
{
    private static GenerationRequest Request(string scheduler, int images = 1) => new()
    {
        Prompts = ["a red circle"],
        Mode = GenerationMode.Unguided,
        Steps = 4,
        Seed = 3,
        Scheduler = scheduler,
        ImagesPerPrompt = images,
        Height = 32,
        Width = 32,
    };

    private static byte[] Png(GenerationResult result, int index = 0) => PngEncoder.Encode(result.Images[index]);

    [Fact]
    public void Integral_timesteps_give_the_same_images_on_float_and_int64_models_and_fractional_ones_do_not()
    {
        var config = SchedulerConfig.FromModelFolder(model.Plain);
        static IEnumerable<float> Timesteps(string name, SchedulerConfig config)
        {
            var scheduler = SchedulerFactory.Create(name, config);
            scheduler.SetTimesteps(4);
            return scheduler.Timesteps.ToArray();
        }
        // Preconditions from the schedulers' definitions: DDIM's leading spacing gives integers, Euler's linspace
        // spacing over [0, 999] in 4 steps gives 999, 666, 333, 0 (integral too) — so use 5 steps for fractions.
        Assert.All(Timesteps(SchedulerFactory.Ddim, config), t => Assert.Equal(MathF.Truncate(t), t));

        using var floatPipeline = StableDiffusionPipeline.Load(model.Plain);
        using var int64Pipeline = StableDiffusionPipeline.Load(model.Int64Timestep);
        var ddimFloat = floatPipeline.Generate(Request(SchedulerFactory.Ddim));
        var ddimInt64 = int64Pipeline.Generate(Request(SchedulerFactory.Ddim));
        Assert.Equal("float32", ddimFloat.TimestepInput);
        Assert.Equal("int64 (truncated)", ddimInt64.TimestepInput);
        Assert.Equal(Png(ddimFloat), Png(ddimInt64));

        var euler = SchedulerFactory.Create(SchedulerFactory.Euler, config);
        euler.SetTimesteps(5);
        Assert.Contains(euler.Timesteps.ToArray(), t => t != MathF.Truncate(t));
        var eulerFloat = floatPipeline.Generate(Request(SchedulerFactory.Euler) with { Steps = 5 });
        var eulerInt64 = int64Pipeline.Generate(Request(SchedulerFactory.Euler) with { Steps = 5 });
        Assert.NotEqual(Png(eulerFloat), Png(eulerInt64));
    }

    [Fact]
    public void Torch_noise_is_one_randn_over_the_whole_batch()
    {
        using var pipeline = StableDiffusionPipeline.Load(model.Plain);
        var h = 32 / pipeline.VaeFactor;
        var drawn = new float[2 * 4 * h * h];
        new TorchCpuNoise(3).Fill(drawn);
        var given = new NpyArray(drawn, [2, 4, h, h], "float32");

        var torch = pipeline.Generate(Request(SchedulerFactory.Ddim, images: 2) with { Noise = NoiseSources.Torch });
        var fromLatents = pipeline.Generate(Request(SchedulerFactory.Ddim, images: 2) with { Latents = given });
        var dice = pipeline.Generate(Request(SchedulerFactory.Ddim, images: 2));
        Assert.Equal(Png(torch, 0), Png(fromLatents, 0));
        Assert.Equal(Png(torch, 1), Png(fromLatents, 1));
        Assert.NotEqual(Png(torch, 0), Png(dice, 0));

        // 4·h·w is a multiple of 16, so the batch's first image starts from randn(4·h·w) of the same seed (whole
        // blocks of 16 only depend on their own uniforms); the second continues the stream.
        var single = pipeline.Generate(Request(SchedulerFactory.Ddim) with { Noise = NoiseSources.Torch });
        Assert.Equal(0, 4 * h * h % 16);
        Assert.Equal(Png(single), Png(torch, 0));
        Assert.NotEqual(Png(torch, 0), Png(torch, 1));
    }

    [Fact]
    public void Latents_of_one_image_serve_every_image_and_misfits_are_named()
    {
        using var pipeline = StableDiffusionPipeline.Load(model.Plain);
        var h = 32 / pipeline.VaeFactor;
        var values = Enumerable.Range(0, 4 * h * h).Select(i => MathF.Sin(i)).ToArray();
        var result = pipeline.Generate(Request(SchedulerFactory.Ddim, images: 2) with { Latents = new NpyArray(values, [4, h, h], "float32") });
        Assert.Equal(Png(result, 0), Png(result, 1));

        var misfit = new NpyArray(new float[3 * 4 * h * h], [3, 4, h, h], "float32");
        var message = Assert.Throws<ArgumentException>(() => pipeline.Generate(Request(SchedulerFactory.Ddim, images: 2) with { Latents = misfit })).Message;
        Assert.Contains($"(3, 4, {h}, {h})", message);
        Assert.Contains($"needs (2, 4, {h}, {h}) or (4, {h}, {h})", message);
        Assert.Throws<ArgumentException>(() => pipeline.Generate(Request(SchedulerFactory.Ddim) with { Noise = "numpy" }));
    }
}
