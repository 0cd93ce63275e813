using Dice.Data;
using Dice.Runtime.Images;
using Dice.Trainer.Sharpener;
using Dice.Trainer.Training;
using TorchSharp;

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
        // Validation stays on (a grid with every checkpoint) but cheap: one prompt, two sampling steps.
        ValidationPrompts = ["a red circle"],
        ValidationSteps = 2,
    };

    /// <summary>
    /// The size of a validation grid of <paramref name="prompts"/> rows of <paramref name="imageSize"/>-pixel cells:
    /// the same layout composed of blank images.
    /// </summary>
    public static (int Width, int Height) ValidationGridSize(IReadOnlyList<string> prompts, double guidanceScale, int imageSize)
    {
        var blanks = Enumerable.Range(0, prompts.Count * 3).Select(_ => new RgbImage(imageSize, imageSize)).ToList();
        var grid = ImageGrid.Compose(blanks, 3, SharpenerValidation.Padding, SharpenerValidation.Background,
            SharpenerValidation.CellCaptions(prompts, guidanceScale));
        return (grid.Width, grid.Height);
    }

    public static float MaxAbsDifference(torch.Tensor a, torch.Tensor b)
    {
        using var d = (a - b).abs().max();
        return (float)d.ToDouble();
    }
}
