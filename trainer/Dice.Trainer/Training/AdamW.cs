using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dice.Trainer.Training;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter; decoupled weight decay, no amsgrad) with TorchSharp's method names, updating each
/// parameter with the operations TorchSharp's AdamW runs, in the same order, so results match it bit for bit:
/// p·(1 − γλ), m·β₁ + (1 − β₁)g, v·β₂ + (1 − β₂)g·g, p + (−γ/(1 − β₁ᵗ))·m/(√v/√(1 − β₂ᵗ) + ε).
/// </summary>
/// <remarks>
/// Dice does not use TorchSharp's AdamW because its step hands libtorch implicitly made Scalars that a garbage
/// collection can free during the call (see <see cref="TorchScalars"/>); this one keeps every Scalar alive.
/// Step counts are per parameter, as in PyTorch: a parameter without a gradient neither moves nor counts the step.
/// </remarks>
public sealed class AdamW : IDisposable
{
    private readonly List<Parameter> trained;
    private readonly ParameterState[] states;

    public AdamW(IEnumerable<Parameter> parameters, double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weight_decay = 0.01)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(lr >= 0) || !(beta1 is >= 0 and < 1) || !(beta2 is >= 0 and < 1) || !(eps >= 0) || !(weight_decay >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(lr),
                $"invalid AdamW settings: lr {lr}, betas ({beta1}, {beta2}), eps {eps}, weight decay {weight_decay}");
        }
        trained = parameters.ToList();
        LearningRate = lr;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = eps;
        WeightDecay = weight_decay;
        states = trained.Select(p => new ParameterState(zeros_like(p).DetachFromDisposeScope(), zeros_like(p).DetachFromDisposeScope())).ToArray();
    }

    /// <summary>γ; a schedule may change it between steps.</summary>
    public double LearningRate { get; set; }

    public double Beta1 { get; }

    public double Beta2 { get; }

    public double Epsilon { get; }

    public double WeightDecay { get; }

    public IReadOnlyList<Parameter> parameters() => trained;

    /// <summary>The per-parameter moments and step counts, in <see cref="parameters"/>' order.</summary>
    internal IReadOnlyList<ParameterState> States => states;

    public void zero_grad()
    {
        using var scope = NewDisposeScope();
        foreach (var p in trained)
        {
            p.grad?.zero_();
        }
    }

    public void step()
    {
        using var noGrad = no_grad();
        for (var i = 0; i < trained.Count; i++)
        {
            using var scope = NewDisposeScope();
            var grad = trained[i].grad;
            if (grad is null)
            {
                continue;
            }
            var p = trained[i];
            var state = states[i];
            state.Step++;
            p.TimesInPlace(1 - (LearningRate * WeightDecay));
            state.Average.TimesInPlace(Beta1).AddScaledInPlace(grad, 1 - Beta1);
            state.Squares.TimesInPlace(Beta2).AddProductInPlace(grad, grad, 1 - Beta2);
            var firstCorrection = 1 - Math.Pow(Beta1, state.Step);
            var secondCorrection = 1 - Math.Pow(Beta2, state.Step);
            var denominator = state.Squares.sqrt().DividedBy(Math.Sqrt(secondCorrection)).PlusInPlace(Epsilon);
            p.AddQuotientInPlace(state.Average, denominator, -LearningRate / firstCorrection);
        }
    }

    public void Dispose()
    {
        foreach (var s in states)
        {
            s.Average.Dispose();
            s.Squares.Dispose();
        }
    }

    internal sealed class ParameterState(Tensor average, Tensor squares)
    {
        public Tensor Average { get; } = average;

        public Tensor Squares { get; } = squares;

        public long Step { get; set; }
    }
}
