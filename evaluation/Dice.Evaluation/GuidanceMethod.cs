namespace Dice.Evaluation;

/// <summary>How a row of the evaluation samples.</summary>
public enum GuidanceMethod
{
    /// <summary>eps(x, c): one UNet evaluation per step.</summary>
    Unguided,

    /// <summary>Classifier-free guidance at scale w: two UNet evaluations per step.</summary>
    Cfg,

    /// <summary>The baseline c × s (token 0 kept), unguided: one evaluation per step.</summary>
    NaiveScaling,

    /// <summary>c + alpha·r(c, c_null) from text_encoder_dice, unguided: one evaluation per step.</summary>
    Dice,
}
