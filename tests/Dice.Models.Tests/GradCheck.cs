using TorchSharp;
using static TorchSharp.torch;

namespace Dice.Models.Tests;

/// <summary>
/// Compares autograd gradients with central finite differences in float64. The scalar checked is
/// sum(f(inputs) · R) for a fixed random R, so every output element contributes with its own weight.
/// </summary>
internal static class GradCheck
{
    private const double Step = 1e-6;

    /// <summary>The largest relative error ‖analytic − numeric‖ / max(‖analytic‖, ‖numeric‖) over the inputs.</summary>
    public static double RelativeError(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        using var scope = NewDisposeScope();
        foreach (var x in inputs)
        {
            Assert.Equal(float64, x.dtype);
        }
        Tensor weights;
        using (no_grad())
        {
            using var probe = f(inputs);
            using var gen = new Generator(1234);
            weights = randn(probe.shape, float64, generator: gen);
        }

        var leaves = inputs.Select(x => x.detach().requires_grad_(true)).ToArray();
        using (var loss = (f(leaves) * weights).sum())
        {
            loss.backward();
        }

        var worst = 0.0;
        for (var i = 0; i < inputs.Length; i++)
        {
            using var g = leaves[i].grad ?? throw new InvalidOperationException($"input {i} received no gradient");
            var analytic = g.data<double>().ToArray();
            var numeric = Numeric(f, inputs, i, weights);
            worst = Math.Max(worst, Relative(analytic, numeric));
        }
        return worst;
    }

    private static double[] Numeric(Func<Tensor[], Tensor> f, Tensor[] inputs, int which, Tensor weights)
    {
        using var noGrad = no_grad();
        var shape = inputs[which].shape;
        var values = inputs[which].data<double>().ToArray();
        var result = new double[values.Length];
        for (var j = 0; j < values.Length; j++)
        {
            var original = values[j];
            values[j] = original + Step;
            var plus = Evaluate(f, inputs, which, values, shape, weights);
            values[j] = original - Step;
            var minus = Evaluate(f, inputs, which, values, shape, weights);
            values[j] = original;
            result[j] = (plus - minus) / (2 * Step);
        }
        return result;
    }

    private static double Evaluate(Func<Tensor[], Tensor> f, Tensor[] inputs, int which, double[] values, long[] shape, Tensor weights)
    {
        using var scope = NewDisposeScope();
        var args = (Tensor[])inputs.Clone();
        args[which] = tensor(values, shape);
        return (f(args) * weights).sum().ToDouble();
    }

    private static double Relative(double[] a, double[] b)
    {
        double diff = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            diff += (a[i] - b[i]) * (a[i] - b[i]);
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        var scale = Math.Max(Math.Sqrt(Math.Max(na, nb)), 1e-12);
        return Math.Sqrt(diff) / scale;
    }
}
