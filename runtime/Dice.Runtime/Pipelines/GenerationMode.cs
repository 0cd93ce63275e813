namespace Dice.Runtime.Pipelines;

/// <summary>How each sampling step queries the UNet.</summary>
public enum GenerationMode
{
    /// <summary>One call per step with the prompt's embedding, guidance 1.</summary>
    Unguided,

    /// <summary>Classifier-free guidance: conditional and unconditional predictions each step (two UNet evaluations).</summary>
    Cfg,

    /// <summary>One call per step with the DICE-sharpened embedding (the model folder's text_encoder_dice).</summary>
    Dice,
}
