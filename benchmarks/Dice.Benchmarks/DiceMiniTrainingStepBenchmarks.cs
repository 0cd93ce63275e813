using System.Globalization;
using BenchmarkDotNet.Attributes;
using Dice.Data;
using Dice.Models.StableDiffusion;
using Dice.Trainer.Sharpener;
using Dice.Trainer.Teacher;
using Dice.Trainer.Training;

namespace Dice.Benchmarks;

/// <summary>
/// One training step of dice-mini's own models on libtorch (CPU), from the shipped folder onnx-models/dice-mini: the
/// teacher (its CLIP text encoder and UNet, loaded from weights/, on latents of its frozen VAE) at batch 32, as
/// `dice mini` and `dice tune` train it; and the sharpener of the shipped config (sharpener/config.json: 16 heads,
/// inner width 256) against the frozen teacher at batch 16, as `dice train` does (target: one batched teacher call on
/// [c_null; c] without gradients, then the student call with gradients through the UNet). Each iteration is one step
/// on one fixed batch (the batch is sampled, encoded and embedded once, in the setup).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10, invocationCount: 1)]
public class DiceMiniTrainingStepBenchmarks : IDisposable
{
    private const int TeacherBatch = 32;
    private const int SharpenerBatch = 16;

    private FrozenVae? vae;
    private TextToImageTrainer? teacher;
    private DiffusionBatch? teacherBatch;
    private string? dataFolder;
    private SharpenerTrainer? sharpener;
    private Dice.Trainer.Sharpener.SharpenerBatch? sharpenerBatch;

    private static string MiniFolder => Path.Combine(RepositoryPaths.Root, "onnx-models", "dice-mini");

    private static string Weights => Path.Combine(MiniFolder, "weights");

    [GlobalSetup(Target = nameof(TeacherStep))]
    public void SetupTeacher()
    {
        (teacher, vae) = TeacherFineTuning.Load(StableDiffusionSource.FromDiffusersFolder(Weights),
            settings => settings with { BatchSize = TeacherBatch });
        teacherBatch = teacher.SampleBatch(0);
    }

    [GlobalSetup(Target = nameof(SharpenerStep))]
    public void SetupSharpener()
    {
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(MiniFolder, "sharpener", "config.json")));
        int Setting(string key) => config.RootElement.GetProperty(key).GetInt32();
        dataFolder = Path.Combine(Path.GetTempPath(), "dice-bench-" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture));
        ImageFolderWriter.Write(dataFolder, new DatasetGenerator(DiceMiniSplits.TrainSeed), SharpenerBatch);
        sharpener = new SharpenerTrainer(new SharpenerTrainingOptions
        {
            TeacherFolder = Weights,
            Data = SharpenerData.Open(dataFolder),
            Run = new TrainingRunOptions { Steps = 1 },
            BatchSize = SharpenerBatch,
            InnerDim = Setting("inner_dim"),
            Heads = Setting("heads"),
            GuidanceScale = config.RootElement.GetProperty("guidance_scale").GetDouble(),
            ValidationSteps = 0,
        });
        sharpenerBatch = sharpener.SampleBatch(0);
    }

    [Benchmark(Description = "dice-mini teacher training step, batch 32")]
    public double TeacherStep() => teacher!.TrainStep(teacherBatch!);

    [Benchmark(Description = "dice-mini sharpener training step, batch 16")]
    public double SharpenerStep() => sharpener!.TrainStep(sharpenerBatch!);

    [GlobalCleanup]
    public void Dispose()
    {
        teacherBatch?.Dispose();
        teacher?.Dispose();
        vae?.Dispose();
        sharpenerBatch?.Dispose();
        sharpener?.Dispose();
        if (dataFolder is not null && Directory.Exists(dataFolder))
        {
            Directory.Delete(dataFolder, recursive: true);
        }
        GC.SuppressFinalize(this);
    }
}
