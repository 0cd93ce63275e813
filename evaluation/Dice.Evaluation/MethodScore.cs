using Dice.Evaluation.Metrics;

namespace Dice.Evaluation;

/// <summary>One row of the evaluation table.</summary>
/// <param name="Method">How the images were sampled.</param>
/// <param name="Nfe">UNet evaluations per image.</param>
/// <param name="TrainableParameters">Parameters the method adds to the model (null where unknown).</param>
/// <param name="Accuracy">Attribute accuracy (null without a classifier and scenes).</param>
/// <param name="FrechetDistance">Fréchet distance between the classifier's features of these images and of real images (null without them).</param>
/// <param name="CfgFidelity">Mean RMSE to the CFG image of the same seed (0 for CFG itself).</param>
/// <param name="SecondsPerImage">Wall time per image: text encoding, denoising and decoding.</param>
public sealed record MethodScore(
    EvaluationMethod Method,
    int Nfe,
    long? TrainableParameters,
    AttributeAccuracy? Accuracy,
    double? FrechetDistance,
    double CfgFidelity,
    double SecondsPerImage);
