using Dice.Benchmarks.DiceVsCfg;
using Dice.Exporter;
using Dice.Runtime.Pipelines;

namespace Dice.Benchmarks.Tests;

/// <summary>
/// The suites' set-up path on a tiny model: a random sharpener fused by the exporter (what
/// scripts/prepare-benchmark-models.sh does), then each mode through <see cref="PipelineRun"/> and the encoders
/// through <see cref="EncoderRun"/>, without BenchmarkDotNet.
/// </summary>
[Collection(TinyOnnxModelCollection.Name)]
public sealed class SuiteSetupTests(TinyOnnxModel tiny)
{
    private static BenchmarkModel ModelAt(string folder) => new()
    {
        Name = "tiny",
        EnvironmentVariable = "DICE_BENCHMARK_TEST_UNSET_" + Guid.NewGuid().ToString("N"),
        DefaultFolder = folder,
        Steps = 3,
        Height = 32,
        Width = 32,
        Prompt = "a red circle",
        Preparation = "make it",
    };

    private static string FusedCopy(TinyOnnxModel tiny, TempDirectory directory)
    {
        var model = directory.File("model");
        TinyOnnxModel.CopyDirectory(tiny.Plain, model);
        var sharpener = directory.File("sharpener");
        RandomSharpenerFolder.Create(sharpener, RandomSharpenerFolder.ForModel(model));
        SharpenerExporter.Export(sharpener, model, OnnxTextEncoding.LastHiddenState);
        return model;
    }

    /// <summary>Runs <paramref name="action"/> with stage records going to <paramref name="stages"/>, as Program sets it up.</summary>
    private static void RecordingInto(string stages, Action action)
    {
        var previous = Environment.GetEnvironmentVariable(StageRecorder.EnvironmentVariable);
        Environment.SetEnvironmentVariable(StageRecorder.EnvironmentVariable, stages);
        try
        {
            action();
        }
        finally
        {
            Environment.SetEnvironmentVariable(StageRecorder.EnvironmentVariable, previous);
        }
    }

    [Fact]
    public void Every_mode_runs_on_a_model_with_a_random_sharpener_and_records_its_stages()
    {
        using var directory = new TempDirectory();
        var model = ModelAt(FusedCopy(tiny, directory));
        var stages = directory.File("stages");
        RecordingInto(stages, () =>
        {
            foreach (var (mode, calls, callBatch) in new[]
                     {
                         (GuidanceMode.Unguided, 3, 2), (GuidanceMode.CfgBatched, 3, 4), (GuidanceMode.CfgSequential, 6, 2), (GuidanceMode.Dice, 3, 2),
                     })
            {
                using var run = PipelineRun.Start(model, mode, batch: 2);
                var result = run.Generate();
                run.Generate();
                Assert.Equal(2, result.Images.Count);
                Assert.Equal(calls, result.UnetCalls);
                Assert.All(result.UnetBatchSizes, b => Assert.Equal(callBatch, b));
                Assert.Equal(mode == GuidanceMode.Dice ? GenerationMode.Dice : mode == GuidanceMode.Unguided ? GenerationMode.Unguided : GenerationMode.Cfg,
                    run.Request.Mode);
            }
        });

        var records = StageRecorder.Load(stages);
        Assert.Equal(4, records.Count);
        Assert.All(records, r =>
        {
            Assert.Equal("tiny", r.Suite);
            Assert.Equal(2, r.Batch);
            Assert.Equal((32, 32), (r.Width, r.Height));
            Assert.Equal(2, r.Samples.Count); // the 1-step warm-up is not recorded
            Assert.True(r.Mean!.UnetLoopSeconds > 0);
        });
        Assert.Equal(6, records.Single(r => r.Mode == "cfg-sequential").Mean!.UnetCalls);
    }

    /// <summary>A suite as the repository declares it.</summary>
    private class TinyPipelineBenchmarks(BenchmarkModel model) : PipelineBenchmarks
    {
        protected override BenchmarkModel Model => model;

        protected override int BatchSize => 1;
    }

    /// <summary>What BenchmarkDotNet runs in its benchmark process: a generated subclass of the suite.</summary>
    private sealed class Runnable_0(BenchmarkModel model) : TinyPipelineBenchmarks(model);

    [Fact]
    public void A_suite_run_through_a_generated_subclass_records_its_stages_under_the_model_the_report_looks_up()
    {
        using var directory = new TempDirectory();
        var model = ModelAt(FusedCopy(tiny, directory));
        var stages = directory.File("stages");
        RecordingInto(stages, () =>
        {
            using var suite = new Runnable_0(model) { Mode = GuidanceMode.Dice };
            suite.Setup();
            suite.Generate();
            suite.Dispose();
        });

        var record = Assert.Single(StageRecorder.Load(stages));
        Assert.Equal(model.Name, record.Suite);
        Assert.Equal(("dice", 1), (record.Mode, record.Batch));
        Assert.Single(record.Samples);
        Assert.Equal(3, record.Mean!.UnetCalls);
    }

    [Fact]
    public void Encoders_run_plain_and_fused()
    {
        using var directory = new TempDirectory();
        using var run = EncoderRun.Start(ModelAt(FusedCopy(tiny, directory)), batch: 3);
        Assert.True(float.IsFinite(run.RunPlain()));
        Assert.True(float.IsFinite(run.RunDice()));
        Assert.True(float.IsFinite(run.RunSharpener()));
    }

    [Fact]
    public void A_missing_folder_or_dice_encoder_names_what_to_do()
    {
        using var directory = new TempDirectory();
        var missing = Assert.Throws<DirectoryNotFoundException>(() => ModelAt(directory.File("none")).RequireFolder());
        Assert.Contains("make it", missing.Message, StringComparison.Ordinal);
        var noDice = Assert.Throws<InvalidDataException>(() => ModelAt(tiny.Plain).RequireFolder());
        Assert.Contains("text_encoder_dice", noDice.Message, StringComparison.Ordinal);
    }
}
