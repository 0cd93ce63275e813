using Dice.Core;
using Dice.Core.Images;
using Dice.Runtime.Pipelines;

namespace Dice.Runtime.Tests;

[Collection(TinyOnnxModelCollection.Name)]
public class PipelineTests(TinyOnnxModel model)
{
    private static GenerationRequest Request(GenerationMode mode, int steps = 20, ulong seed = 1, params string[] prompts) => new()
    {
        Prompts = prompts.Length > 0 ? prompts : ["a red circle"],
        Mode = mode,
        Steps = steps,
        Seed = seed,
        Height = 32,
        Width = 32,
    };

    [Theory]
    [InlineData(GenerationMode.Unguided, false, 20, 2)]
    [InlineData(GenerationMode.Dice, false, 20, 2)]
    [InlineData(GenerationMode.Cfg, false, 20, 4)]
    [InlineData(GenerationMode.Cfg, true, 40, 2)]
    public void Unet_calls_per_mode(GenerationMode mode, bool sequential, int calls, int batch)
    {
        using var pipeline = StableDiffusionPipeline.Load(model.WithDice);
        var result = pipeline.Generate(Request(mode, prompts: ["a red circle", "a blue square"]) with { CfgSequential = sequential });
        Assert.Equal(calls, result.UnetCalls);
        Assert.All(result.UnetBatchSizes, b => Assert.Equal(batch, b));
        Assert.Equal(2, result.Images.Count);
    }

    [Fact]
    public void Same_seed_gives_identical_png_bytes_and_another_seed_differs()
    {
        using var pipeline = StableDiffusionPipeline.Load(model.Plain);
        byte[] Png(ulong seed) => PngEncoder.Encode(pipeline.Generate(Request(GenerationMode.Cfg, steps: 4, seed: seed)).Images[0]);
        var a = Png(5);
        var b = Png(5);
        var c = Png(6);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Images_have_the_requested_size()
    {
        using var pipeline = StableDiffusionPipeline.Load(model.Plain);
        var result = pipeline.Generate(Request(GenerationMode.Unguided, steps: 2) with { Height = 48, Width = 32, ImagesPerPrompt = 3 });
        Assert.Equal(3, result.Images.Count);
        Assert.All(result.Images, i => Assert.Equal((32, 48), (i.Width, i.Height)));
    }

    [Fact]
    public void Progress_is_reported_each_step_and_cancellation_stops_the_loop()
    {
        using var pipeline = StableDiffusionPipeline.Load(model.Plain);
        var steps = new List<int>();
        pipeline.Generate(Request(GenerationMode.Unguided, steps: 5), new InlineProgress(p => steps.Add(p.Step)));
        Assert.Equal([1, 2, 3, 4, 5], steps);

        using var cancel = new CancellationTokenSource();
        var seen = 0;
        Assert.Throws<OperationCanceledException>(() => pipeline.Generate(Request(GenerationMode.Unguided, steps: 10),
            new InlineProgress(p =>
            {
                seen = p.Step;
                if (p.Step == 3)
                {
                    cancel.Cancel();
                }
            }), cancel.Token));
        Assert.Equal(3, seen);
    }

    [Theory]
    [InlineData("steps")]
    [InlineData("prompts")]
    [InlineData("scheduler")]
    [InlineData("size")]
    public void Bad_requests_are_rejected_with_a_reason(string what)
    {
        using var pipeline = StableDiffusionPipeline.Load(model.Plain);
        var request = Request(GenerationMode.Unguided);
        request = what switch
        {
            "steps" => request with { Steps = 0 },
            "prompts" => request with { Prompts = [] },
            "scheduler" => request with { Scheduler = "plms-9000" },
            _ => request with { Height = 40 },
        };
        var e = Assert.ThrowsAny<ArgumentException>(() => pipeline.Generate(request));
        Assert.Contains(what switch { "steps" => "steps", "prompts" => "prompt", "scheduler" => "plms-9000", _ => "multiple of 16" },
            e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dice_mode_without_a_fused_encoder_names_the_fix()
    {
        using var pipeline = StableDiffusionPipeline.Load(model.Plain);
        Assert.False(pipeline.HasDice);
        var e = Assert.Throws<ArgumentException>(() => pipeline.Generate(Request(GenerationMode.Dice)));
        Assert.Contains("text_encoder_dice", e.Message, StringComparison.Ordinal);
        Assert.Contains("dice export", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dpmpp-2m")]
    [InlineData("dpmpp-2m-karras")]
    [InlineData("dpmpp-2m-sde")]
    [InlineData("euler")]
    [InlineData("euler-karras")]
    [InlineData("euler-a")]
    [InlineData("ddim")]
    [InlineData("pndm")]
    public void Every_scheduler_samples_finite_images(string scheduler)
    {
        using var pipeline = StableDiffusionPipeline.Load(model.Plain);
        var result = pipeline.Generate(Request(GenerationMode.Cfg, steps: 6) with { Scheduler = scheduler });
        var image = result.Images[0];
        Assert.Equal(32 * 32 * 3, image.Pixels.ToArray().Length);
        Assert.True(image.Pixels.ToArray().Distinct().Count() > 1, "the image should not be flat");
    }

    /// <summary>Stochastic samplers draw their per-step noise from the generation's seeded source, after the initial latents.</summary>
    [Theory]
    [InlineData("euler-a")]
    [InlineData("dpmpp-2m-sde")]
    public void A_stochastic_sampler_repeats_with_its_seed_and_its_step_noise_changes_the_image(string scheduler)
    {
        using var pipeline = StableDiffusionPipeline.Load(model.Plain);
        byte[] Png(string name, ulong seed) =>
            PngEncoder.Encode(pipeline.Generate(Request(GenerationMode.Cfg, steps: 4, seed: seed) with { Scheduler = name }).Images[0]);

        Assert.Equal(Png(scheduler, 3), Png(scheduler, 3));
        Assert.NotEqual(Png(scheduler, 3), Png(scheduler, 4));
        // Same initial latents, same timesteps; only the noise added each step differs from the deterministic sampler.
        var deterministic = scheduler == "euler-a" ? "euler" : "dpmpp-2m";
        Assert.NotEqual(Png(deterministic, 3), Png(scheduler, 3));
    }

    [Fact]
    public void Dice_options_the_fused_encoder_cannot_take_are_refused()
    {
        // The stand-in text_encoder_dice is a plain encoder: it has neither an alpha nor a negative-prompt input.
        using var pipeline = StableDiffusionPipeline.Load(model.WithDice);
        var alpha = Assert.Throws<ArgumentException>(() => pipeline.Generate(Request(GenerationMode.Dice, steps: 1) with { Alpha = 1.5 }));
        Assert.Contains("no alpha input", alpha.Message, StringComparison.Ordinal);
        var negative = Assert.Throws<ArgumentException>(() => pipeline.Generate(Request(GenerationMode.Dice, steps: 1) with { NegativePrompt = "blurry" }));
        Assert.Contains("no negative_input_ids input", negative.Message, StringComparison.Ordinal);
    }

    private sealed class InlineProgress(Action<StepProgress> report) : IProgress<StepProgress>
    {
        public void Report(StepProgress value) => report(value);
    }
}
