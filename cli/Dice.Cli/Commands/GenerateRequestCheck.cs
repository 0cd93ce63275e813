using System.Globalization;
using Dice.Core.ModelFolders;
using Dice.Core.Schedulers;
using Dice.Runtime.Pipelines;

namespace Dice.Cli.Commands;

/// <summary>
/// Checks a `dice generate` request against the model folder's configs before any session is loaded: numbers in
/// range, an image size the model takes, a scheduler config it can use, and an estimated memory peak under the limit
/// (<see cref="GenerationMemory"/>). Each refusal is a <see cref="DiceUsageException"/> naming the way out.
/// </summary>
internal static class GenerateRequestCheck
{
    /// <param name="cfgBatched">The request runs CFG at batch 2N (so the UNet's attention doubles).</param>
    public static void Check(GenerateOptions options, int prompts, string modelFolder, bool cfgBatched)
    {
        Finite("--guidance", options.Guidance);
        Finite("--alpha", options.Alpha);
        Finite("--beta", options.Beta);
        Finite("--guidance-rescale", options.GuidanceRescale);
        Finite("--eta", options.Eta);
        Finite("--strength", options.Strength);
        if (options.Batch < 1)
        {
            throw new DiceUsageException(string.Create(CultureInfo.InvariantCulture,
                $"--batch {options.Batch}: give at least 1 image per prompt"));
        }

        var folder = PipelineLoader.OpenFolder(modelFolder);
        SchedulerConfig scheduler;
        ModelGeometry geometry;
        try
        {
            scheduler = folder.HasScheduler ? SchedulerConfig.FromModelFolder(folder.Root) : SchedulerConfig.Empty;
            geometry = ModelGeometry.Read(folder);
        }
        catch (InvalidDataException e)
        {
            throw new DiceUsageException($"{e.Message}: fix or replace that file in the model folder", e);
        }

        // Building the sampler checks its name and every value of the config it reads; then the steps against it.
        INoiseScheduler sampler;
        try
        {
            sampler = SchedulerFactory.Create(options.Scheduler, scheduler, options.Eta);
        }
        catch (InvalidDataException e)
        {
            throw new DiceUsageException($"{OneLine(e.Message)}: fix or replace that file in the model folder", e);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new DiceUsageException($"--scheduler {options.Scheduler}: {OneLine(e.Message)}", e);
        }
        var trainSteps = scheduler.NumTrainTimesteps ?? 1000;
        if (options.Steps < 1 || options.Steps > trainSteps)
        {
            throw new DiceUsageException(string.Create(CultureInfo.InvariantCulture,
                $"--steps {options.Steps}: use 1 to {trainSteps} (the model's num_train_timesteps)"));
        }
        try
        {
            sampler.SetTimesteps(options.Steps);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or InvalidOperationException)
        {
            throw new DiceUsageException($"--steps {options.Steps} with --scheduler {options.Scheduler}: {OneLine(e.Message)}", e);
        }

        var multiple = geometry.PixelMultiple;
        Side("--height", options.Height, multiple);
        Side("--width", options.Width, multiple);
        if (options.InitImage is not null || options.Latents is not null)
        {
            // The size comes from the file, read (and checked) later.
            return;
        }
        var height = options.Height ?? geometry.DefaultHeight;
        var width = options.Width ?? geometry.DefaultWidth;
        Memory(geometry, checked((long)prompts * options.Batch), height, width, cfgBatched);
    }

    /// <summary>
    /// Refuses <paramref name="images"/> images of the given size when their estimated peak exceeds the memory limit,
    /// or when their pixels would not fit in one array.
    /// </summary>
    public static void Memory(ModelGeometry geometry, long images, int height, int width, bool cfgBatched)
    {
        var estimate = GenerationMemory.For(geometry, images, height, width, cfgBatched);
        GenerationMemory.Limit limit;
        try
        {
            limit = GenerationMemory.Available();
        }
        catch (FormatException e)
        {
            throw new DiceUsageException($"{e.Message}: set it to a byte count, or unset it to use the available memory", e);
        }
        if (estimate.Peak > limit.Bytes)
        {
            throw new DiceUsageException(string.Create(CultureInfo.InvariantCulture,
                $"{images} image(s) of {width}×{height} need about {GenerationMemory.Format(estimate.Peak)} (estimated), more than the " +
                $"{GenerationMemory.Format(limit.Bytes)} of {limit.Source}: use a smaller --height/--width or --batch"));
        }
        // Below the memory limit these products are far from 64 bits; checked all the same.
        var latentValues = checked(images * geometry.LatentChannels * (height / geometry.VaeFactor) * (width / geometry.VaeFactor));
        var pixelValues = checked(images * 3 * height * width);
        if (latentValues > Array.MaxLength || pixelValues > Array.MaxLength)
        {
            throw new DiceUsageException(string.Create(CultureInfo.InvariantCulture,
                $"{images} image(s) of {width}×{height} hold more values than one array can ({Array.MaxLength}): use a smaller --height/--width or --batch"));
        }
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    private static void Finite(string name, double? value)
    {
        if (value is { } v && !double.IsFinite(v))
        {
            throw new DiceUsageException(string.Create(CultureInfo.InvariantCulture, $"{name} {v}: give a finite number"));
        }
    }

    private static void Side(string name, int? value, int multiple)
    {
        if (value is { } v && (v <= 0 || v > GenerationRequest.MaxSide || v % multiple != 0))
        {
            throw new DiceUsageException(string.Create(CultureInfo.InvariantCulture,
                $"{name} {v}: this model takes a positive multiple of {multiple} pixels up to {GenerationRequest.MaxSide}"));
        }
    }
}
