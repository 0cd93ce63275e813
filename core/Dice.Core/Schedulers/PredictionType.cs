namespace Dice.Core.Schedulers;

/// <summary>What the denoising model predicts (diffusers' <c>prediction_type</c>).</summary>
public enum PredictionType
{
    /// <summary><c>epsilon</c>: the noise that was added.</summary>
    Epsilon,

    /// <summary><c>v_prediction</c>: the velocity v = sqrt(ᾱ)·ε − sqrt(1 − ᾱ)·x₀ (Salimans and Ho).</summary>
    VPrediction,

    /// <summary><c>sample</c>: the clean sample x₀ itself.</summary>
    Sample,
}
