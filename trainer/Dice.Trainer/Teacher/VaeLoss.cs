namespace Dice.Trainer.Teacher;

/// <summary>The VAE's loss on a batch: <c>Total = Reconstruction + kl_weight · Kl</c>.</summary>
/// <param name="Total">What is minimised.</param>
/// <param name="Reconstruction">Mean L1 or squared pixel error.</param>
/// <param name="Kl">KL(N(mean, σ²) ‖ N(0, 1)) summed over latent elements, averaged over the batch.</param>
public readonly record struct VaeLoss(double Total, double Reconstruction, double Kl);
