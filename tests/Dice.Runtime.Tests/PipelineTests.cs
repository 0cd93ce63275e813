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

    [Fact]
    public void Ddim_eta_adds_seeded_noise_and_is_refused_for_other_samplers()
    {
        using var pipeline = StableDiffusionPipeline.Load(model.Plain);
        byte[] Png(double eta) =>
            PngEncoder.Encode(pipeline.Generate(Request(GenerationMode.Cfg, steps: 4, seed: 2) with { Scheduler = "ddim", Eta = eta }).Images[0]);

        Assert.Equal(Png(0.5), Png(0.5));
        Assert.NotEqual(Png(0), Png(0.5));
        var e = Assert.Throws<ArgumentException>(() => pipeline.Generate(Request(GenerationMode.Cfg, steps: 2) with { Scheduler = "euler", Eta = 0.5 }));
        Assert.Contains("eta is DDIM's", e.Message, StringComparison.Ordinal);
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

    /// <summary>A 32×32 test card: left half red, right half a blue-green ramp.</summary>
    private static RgbImage Card()
    {
        var image = new RgbImage(32, 32);
        for (var y = 0; y < 32; y++)
        {
            for (var x = 0; x < 32; x++)
            {
                image.SetPixel(x, y, x < 16 ? new RgbColor(220, 30, 30) : new RgbColor(0, (byte)(8 * y), 200));
            }
        }
        return image;
    }

    [Theory]
    [InlineData(GenerationMode.Unguided, 10, 0.35, 3)]
    [InlineData(GenerationMode.Cfg, 10, 1.0, 10)]
    [InlineData(GenerationMode.Dice, 7, 0.5, 3)]
    public void Image_to_image_runs_the_last_int_steps_times_strength_steps(GenerationMode mode, int steps, double strength, int runs)
    {
        // diffusers' img2img: init_timestep = min(int(steps × strength), steps); the schedule from steps − init_timestep.
        using var pipeline = StableDiffusionPipeline.Load(model.WithDice);
        var request = Request(mode, steps: steps) with { InitImage = Card(), Strength = strength, Height = null, Width = null };
        var progress = new List<StepProgress>();
        var result = pipeline.Generate(request, new InlineProgress(progress.Add));
        Assert.Equal(runs, result.UnetCalls);
        Assert.Equal(runs, progress.Count);
        Assert.Equal(runs, progress[^1].Steps);
        Assert.Equal((32, 32), (result.Images[0].Width, result.Images[0].Height));
    }

    [Fact]
    public void The_init_image_enters_the_output()
    {
        // The card against its negative, same seed and settings: the encoded image is what differs, so must the output.
        using var pipeline = StableDiffusionPipeline.Load(model.Plain);
        var card = Card();
        var negative = new RgbImage(32, 32, card.Pixels.ToArray().Select(p => (byte)(255 - p)).ToArray());
        byte[] Run(RgbImage image) => PngEncoder.Encode(pipeline.Generate(Request(GenerationMode.Unguided, steps: 10) with
        {
            InitImage = image, Strength = 0.5, Scheduler = "ddim",
        }).Images[0]);
        Assert.NotEqual(Run(card), Run(negative));
        Assert.Equal(Run(card), Run(card));
    }

    [Fact]
    public void Image_to_image_settings_that_cannot_run_are_refused()
    {
        using var pipeline = StableDiffusionPipeline.Load(model.Plain);
        var request = Request(GenerationMode.Cfg, steps: 4) with { InitImage = Card() };
        Assert.Contains("the init image is 32×32 and the output 32×48",
            Assert.Throws<ArgumentException>(() => pipeline.Generate(request with { Height = 48 })).Message, StringComparison.Ordinal);
        Assert.Contains("strength must lie in (0, 1]",
            Assert.Throws<ArgumentException>(() => pipeline.Generate(request with { Strength = 1.5 })).Message, StringComparison.Ordinal);
        Assert.Contains("runs no step",
            Assert.Throws<ArgumentException>(() => pipeline.Generate(request with { Strength = 0.2 })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Guidance_rescale_changes_cfg_only_and_other_modes_refuse_it()
    {
        using var pipeline = StableDiffusionPipeline.Load(model.WithDice);
        byte[] Png(double rescale) => PngEncoder.Encode(pipeline.Generate(Request(GenerationMode.Cfg, steps: 3) with { GuidanceRescale = rescale }).Images[0]);
        Assert.NotEqual(Png(0), Png(0.7));
        Assert.Equal(Png(0.7), Png(0.7));
        foreach (var mode in new[] { GenerationMode.Dice, GenerationMode.Unguided })
        {
            Assert.Contains("guidance rescale",
                Assert.Throws<ArgumentException>(() => pipeline.Generate(Request(mode, steps: 1) with { GuidanceRescale = 0.7 })).Message,
                StringComparison.Ordinal);
        }
        Assert.Contains("[0, 1]", Assert.Throws<ArgumentException>(() =>
            pipeline.Generate(Request(GenerationMode.Cfg, steps: 1) with { GuidanceRescale = 1.5 })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Clip_skip_and_beta_the_folder_cannot_honour_are_refused()
    {
        using var pipeline = StableDiffusionPipeline.Load(model.WithDice);
        Assert.Contains("only last_hidden_state and pooler_output", Assert.Throws<ArgumentException>(() =>
            pipeline.Generate(Request(GenerationMode.Cfg, steps: 1) with { ClipSkip = 1 })).Message, StringComparison.Ordinal);
        Assert.Contains("use mode dice with a negative prompt", Assert.Throws<ArgumentException>(() =>
            pipeline.Generate(Request(GenerationMode.Dice, steps: 1) with { Beta = 0 })).Message, StringComparison.Ordinal);
        Assert.Contains("use mode dice with a negative prompt", Assert.Throws<ArgumentException>(() =>
            pipeline.Generate(Request(GenerationMode.Cfg, steps: 1) with { Beta = 2, NegativePrompt = "blurry" })).Message, StringComparison.Ordinal);
    }

    private sealed class InlineProgress(Action<StepProgress> report) : IProgress<StepProgress>
    {
        public void Report(StepProgress value) => report(value);
    }
}
