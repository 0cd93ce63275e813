namespace Dice.Trainer.Teacher;

/// <summary>The pixel loss of the VAE's reconstruction.</summary>
public enum ReconstructionLoss
{
    /// <summary>Mean absolute error (what SD's VAE training uses, before its perceptual and GAN terms).</summary>
    L1,

    /// <summary>Mean squared error.</summary>
    Mse,
}
