namespace Dice.Models.Clip;

/// <summary>The MLP activation of a CLIP text encoder layer (the config's "hidden_act").</summary>
public enum ClipActivation
{
    /// <summary>"quick_gelu": x·sigmoid(1.702x), what OpenAI's CLIP was trained with.</summary>
    QuickGelu,

    /// <summary>"gelu": exact (erf) GELU.</summary>
    Gelu,
}
