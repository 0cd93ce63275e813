using Dice.Trainer;
using Dice.Trainer.Training;
using TorchSharp;
using static TorchSharp.torch;
using AdamW = Dice.Trainer.Training.AdamW;
using Parameter = TorchSharp.Modules.Parameter;

namespace Dice.Trainer.Tests.Teacher;

/// <summary>
/// Dice's AdamW as the trainers configure it (lr, betas, eps, decoupled weight decay, no amsgrad), against the
/// algorithm of Loshchilov &amp; Hutter as PyTorch documents it for torch.optim.AdamW, and its state in Dice's checkpoint
/// format (<see cref="AdamWState"/>).
/// </summary>
public sealed class AdamWTests
{
    private const double Lr = 0.05;
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Eps = 1e-8;
    private const double WeightDecay = 0.01;

    /// <summary>Gradients of the loss Σ cₜ·θ at step t: cₜ[i] = sin(i + 1.7 t) + 0.3 (varied sign and size).</summary>
    private static double[] Gradient(int step, int count) =>
        Enumerable.Range(0, count).Select(i => Math.Sin(i + (1.7 * step)) + 0.3).ToArray();

    [Fact]
    public void Every_step_follows_the_adamw_algorithm()
    {
        double[] initial = [1.0, -2.0, 0.5, 3.0, -0.25, 0.0];
        using var p = new Parameter(tensor(initial, [2, 3]));
        using var optimizer = new AdamW([p], Lr, Beta1, Beta2, Eps, WeightDecay);
        var theta = (double[])initial.Clone();
        var m = new double[theta.Length];
        var v = new double[theta.Length];
        for (var t = 1; t <= 6; t++)
        {
            var g = Gradient(t, theta.Length);
            optimizer.zero_grad();
            using (var c = tensor(g, [2, 3]))
            using (var loss = (p * c).sum())
            {
                loss.backward();
            }
            optimizer.step();

            // θ ← θ − γλθ; m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; θ ← θ − γ·m̂/(√v̂ + ε), m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ).
            for (var i = 0; i < theta.Length; i++)
            {
                theta[i] -= Lr * WeightDecay * theta[i];
                m[i] = (Beta1 * m[i]) + ((1 - Beta1) * g[i]);
                v[i] = (Beta2 * v[i]) + ((1 - Beta2) * g[i] * g[i]);
                var mHat = m[i] / (1 - Math.Pow(Beta1, t));
                var vHat = v[i] / (1 - Math.Pow(Beta2, t));
                theta[i] -= Lr * mHat / (Math.Sqrt(vHat) + Eps);
            }
            var actual = p.detach().data<double>().ToArray();
            for (var i = 0; i < theta.Length; i++)
            {
                Assert.True(Math.Abs(actual[i] - theta[i]) <= 1e-12, $"step {t}, θ[{i}]: {actual[i]:R}, the algorithm gives {theta[i]:R}");
            }
        }
    }

    /// <summary>
    /// In float32 the update runs as TorchSharp's AdamW and PyTorch 1.13's single-tensor AdamW do (the shipped dice-mini was
    /// trained with TorchSharp's):
    /// p·(1 − γλ), m·β₁ + (1 − β₁)g, v·β₂ + (1 − β₂)g·g, then p + (−γ/(1 − β₁ᵗ))·m/(√v/√(1 − β₂ᵗ) + ε), bit for bit. PyTorch 2.x
    /// computes the first moment as m.lerp(g, 1 − β₁) instead, equal in exact arithmetic and up to a rounding in float32.
    /// </summary>
    [Fact]
    public void In_float32_each_update_is_the_same_operations_in_the_same_order()
    {
        using var p = new Parameter(tensor(new float[] { 1.0f, -2.0f, 0.5f, 3.0f, -0.25f, 0.1f }));
        using var optimizer = new AdamW([p], Lr, Beta1, Beta2, Eps, WeightDecay);
        using var reference = p.detach().clone();
        using var m = zeros_like(reference);
        using var v = zeros_like(reference);
        for (var t = 1; t <= 6; t++)
        {
            using var g = tensor(Gradient(t, 6).Select(x => (float)x).ToArray());
            optimizer.zero_grad();
            using (var loss = (p * g).sum())
            {
                loss.backward();
            }
            optimizer.step();
            using (no_grad())
            {
                reference.TimesInPlace(1 - (Lr * WeightDecay));
                m.TimesInPlace(Beta1).AddScaledInPlace(g, 1 - Beta1);
                v.TimesInPlace(Beta2).AddProductInPlace(g, g, 1 - Beta2);
                using var denominator = v.sqrt().DividedBy(Math.Sqrt(1 - Math.Pow(Beta2, t))).PlusInPlace(Eps);
                reference.AddQuotientInPlace(m, denominator, -Lr / (1 - Math.Pow(Beta1, t)));
            }
            Assert.Equal(reference.data<float>().ToArray().Select(BitConverter.SingleToInt32Bits),
                p.detach().data<float>().ToArray().Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void The_state_is_saved_under_dices_checkpoint_names()
    {
        using var a = new Parameter(ones(2, 3));
        using var b = new Parameter(ones(4));
        using var optimizer = new AdamW([a, b], Lr, Beta1, Beta2, Eps, WeightDecay);
        var empty = AdamWState.Save(optimizer);
        Assert.Equal([AdamWState.StepKey], empty.Keys);
        Assert.Equal(0.0, empty[AdamWState.StepKey].item<double>());
        Dispose(empty);

        for (var t = 0; t < 3; t++)
        {
            optimizer.zero_grad();
            using var loss = a.Times(2).sum().Plus(b.Times(3).sum());
            loss.backward();
            optimizer.step();
        }
        var state = AdamWState.Save(optimizer);

        Assert.Equal(["exp_avg.0", "exp_avg.1", "exp_avg_sq.0", "exp_avg_sq.1", "step"], state.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((ScalarType.Float64, 0L, 3.0), (state["step"].dtype, state["step"].ndim, state["step"].item<double>()));
        // Constant gradients g: after t steps m = (1 − β₁ᵗ)·g and v = (1 − β₂ᵗ)·g², per parameter and in its shape.
        Assert.Equal([2L, 3], state["exp_avg.0"].shape);
        Assert.Equal([4L], state["exp_avg_sq.1"].shape);
        Assert.All(state["exp_avg.0"].data<float>().ToArray(), x => Assert.Equal((1 - Math.Pow(Beta1, 3)) * 2, x, 5));
        Assert.All(state["exp_avg.1"].data<float>().ToArray(), x => Assert.Equal((1 - Math.Pow(Beta1, 3)) * 3, x, 5));
        Assert.All(state["exp_avg_sq.1"].data<float>().ToArray(), x => Assert.Equal((1 - Math.Pow(Beta2, 3)) * 9, x, 5));
        Dispose(state);
    }

    [Fact]
    public void A_run_resumed_from_a_saved_state_continues_bit_for_bit()
    {
        using var dir = new TempDirectory();
        using var x = tensor(Enumerable.Range(0, 24).Select(i => (float)Math.Cos(i)).ToArray(), [8, 3]);
        using var y = tensor(Enumerable.Range(0, 8).Select(i => (float)Math.Sin(i)).ToArray(), [8, 1]);
        double Step(Parameter w, Parameter bias, AdamW optimizer)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = (x.matmul(w).Plus(bias) - y).Squared().mean();
            loss.backward();
            optimizer.step();
            return loss.ToDouble();
        }

        using var half = 0.5f.ToScalar();
        using var w = new Parameter(full([3, 1], half));
        using var bias = new Parameter(zeros(1));
        using var optimizer = new AdamW([w, bias], Lr, Beta1, Beta2, Eps, WeightDecay);
        for (var i = 0; i < 4; i++)
        {
            Step(w, bias, optimizer);
        }
        TensorFile.Save(dir.File("params.safetensors"), [new("w", w), new("bias", bias)]);
        var saved = AdamWState.Save(optimizer);
        TensorFile.Save(dir.File("optimizer.safetensors"), saved);
        Dispose(saved);
        var uninterrupted = Enumerable.Range(0, 4).Select(_ => Step(w, bias, optimizer)).ToArray();

        var parameters = TensorFile.Load(dir.File("params.safetensors"));
        using var w2 = new Parameter(parameters["w"]);
        using var bias2 = new Parameter(parameters["bias"]);
        using var resumed = new AdamW([w2, bias2], Lr, Beta1, Beta2, Eps, WeightDecay);
        var loaded = TensorFile.Load(dir.File("optimizer.safetensors"));
        AdamWState.Load(resumed, loaded);
        Dispose(loaded);
        var continued = Enumerable.Range(0, 4).Select(_ => Step(w2, bias2, resumed)).ToArray();

        Assert.Equal(uninterrupted.Select(BitConverter.DoubleToInt64Bits), continued.Select(BitConverter.DoubleToInt64Bits));
        Assert.True(w.Equals(w2));
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "no step", "the optimizer state has no 'step' entry" },
        { "one moment", "has only one of its two moments" },
        { "wrong shape", "the optimizer state for parameter 0 is [3], the parameter [2]" },
        { "unknown parameter", "entries for no parameter of this optimizer (1 parameters): exp_avg.1, exp_avg_sq.1" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_state_is_refused_and_changes_nothing(string what, string message)
    {
        using var p = new Parameter(ones(2));
        using var optimizer = new AdamW([p], Lr, Beta1, Beta2, Eps, WeightDecay);
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (what != "no step")
        {
            state["step"] = tensor(4.0, float64);
        }
        state["exp_avg.0"] = what == "wrong shape" ? ones(3) : ones(2);
        if (what != "one moment")
        {
            state["exp_avg_sq.0"] = what == "wrong shape" ? ones(3) : ones(2);
        }
        if (what == "unknown parameter")
        {
            state["exp_avg.1"] = ones(2);
            state["exp_avg_sq.1"] = ones(2);
        }

        var e = Assert.Throws<InvalidDataException>(() => AdamWState.Load(optimizer, state));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        var after = AdamWState.Save(optimizer);
        Assert.Equal([AdamWState.StepKey], after.Keys);
        Dispose(after);
        Dispose(state);
    }

    private static void Dispose(Dictionary<string, Tensor> tensors)
    {
        foreach (var t in tensors.Values)
        {
            t.Dispose();
        }
    }
}
