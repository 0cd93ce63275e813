using Dice.Data;
using Dice.Core.Images;
using Dice.Trainer.Sharpener;
using Dice.Trainer.Training;
using TorchSharp;

namespace Dice.Trainer.Tests.Sharpener;

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

    public static float MaxAbsDifference(torch.Tensor a, torch.Tensor b)
    {
        using var d = (a - b).abs().max();
        return (float)d.ToDouble();
    }
}
