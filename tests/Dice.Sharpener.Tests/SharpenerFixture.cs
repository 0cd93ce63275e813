using Dice.Data;
using Dice.Torch;
using Dice.Trainer.Sharpener;
using Dice.Trainer.Training;

namespace Dice.Sharpener.Tests;

/// <summary>32 generated 64×64 scenes as an imagefolder (8×8 latents for the tiny teacher), shared by a test class.</summary>
public sealed class DatasetFixture : IDisposable
{
    private readonly TempDirectory temp = new();

    public DatasetFixture()
    {
        Folder = Path.Combine(temp.Path, "scenes");
        ImageFolderWriter.Write(Folder, new DatasetGenerator(5, imageSize: 64), 32);
    }

    public string Folder { get; }

    public void Dispose() => temp.Dispose();
}

internal static class Trainers
{
    public static SharpenerTrainingOptions Options(TinyOnnxModel model, DatasetFixture data, TrainingRunOptions? run = null) => new()
    {
        TeacherFolder = model.Weights,
        Data = SharpenerData.Open(data.Folder),
        Run = run ?? new TrainingRunOptions { Steps = 3 },
        BatchSize = 4,
        InnerDim = 32,
        Heads = 4,
        ImageSize = 64,
        Seed = 3,
    };

    public static float MaxAbsDifference(torch.Tensor a, torch.Tensor b)
    {
        using var d = (a - b).abs().max();
        return (float)d.item();
    }
}
