using Dice.Runtime.Pipelines;

namespace Dice.Benchmarks.DiceVsCfg;

/// <summary>
/// What one pipeline benchmark case holds: the runtime's <see cref="StableDiffusionPipeline"/> over the model
/// folder (sessions created once), the request for one mode and batch (one prompt × batch images), and the
/// recorder of each generation's stage split.
/// </summary>
public sealed class PipelineRun : IDisposable
{
    private readonly StableDiffusionPipeline pipeline;
    private readonly StageRecorder recorder;

    private PipelineRun(StableDiffusionPipeline pipeline, GenerationRequest request, StageRecorder recorder)
    {
        this.pipeline = pipeline;
        Request = request;
        this.recorder = recorder;
    }

    public GenerationRequest Request { get; }

    public static GenerationRequest RequestFor(BenchmarkModel model, GuidanceMode mode, int batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        return mode.Apply(new GenerationRequest
        {
            Prompts = [model.Prompt],
            ImagesPerPrompt = batch,
            Steps = model.Steps,
            Scheduler = model.Scheduler,
            Height = model.Height,
            Width = model.Width,
            Seed = 0,
        });
    }

    /// <summary>
    /// Loads the pipeline and runs one untimed generation of a single step, so that every session (the DICE encoder's
    /// included, which the pipeline creates on first use) has run once at the benchmark's shapes.
    /// </summary>
    public static PipelineRun Start(BenchmarkModel model, GuidanceMode mode, int batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        var pipeline = StableDiffusionPipeline.Load(model.RequireFolder());
        try
        {
            var request = RequestFor(model, mode, batch);
            pipeline.Generate(request with { Steps = 1 });
            return new PipelineRun(pipeline, request, new StageRecorder(model.Name, mode, batch));
        }
        catch
        {
            pipeline.Dispose();
            throw;
        }
    }

    /// <summary>One timed generation.</summary>
    public GenerationResult Generate()
    {
        var result = pipeline.Generate(Request);
        recorder.Add(result);
        return result;
    }

    /// <summary>Writes the stage record (see <see cref="StageRecorder"/>) and releases the sessions.</summary>
    public void Dispose()
    {
        recorder.Save();
        pipeline.Dispose();
    }
}
