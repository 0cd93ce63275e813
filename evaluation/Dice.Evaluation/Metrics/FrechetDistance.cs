using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace Dice.Evaluation.Metrics;

/// <summary>
/// The Fréchet (2-Wasserstein) distance between two Gaussians, as used by FID:
/// d² = |μa − μb|² + Tr(Σa + Σb − 2 (Σa Σb)^½). Values are squared distances, the number FID reports.
/// </summary>
public static class FrechetDistance
{
    /// <summary>d² between the Gaussians fitted to two feature sets (see <see cref="FeatureStatistics.Fit(IReadOnlyList{float[]})"/>).</summary>
    public static double Compute(IReadOnlyList<float[]> a, IReadOnlyList<float[]> b) =>
        Compute(FeatureStatistics.Fit(a), FeatureStatistics.Fit(b));

    /// <summary>d² between N(<paramref name="a"/>.Mean, <paramref name="a"/>.Covariance) and the same for <paramref name="b"/>; never negative.</summary>
    public static double Compute(FeatureStatistics a, FeatureStatistics b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Dimension != b.Dimension)
        {
            throw new ArgumentException(
                $"the statistics have different dimensions: {a.Dimension} and {b.Dimension}", nameof(b));
        }
        int n = a.Dimension;
        double meanTerm = 0;
        double traceTerm = 0;
        for (int i = 0; i < n; i++)
        {
            double delta = a.Mean[i] - b.Mean[i];
            meanTerm += delta * delta;
            traceTerm += a.Covariance[(i * n) + i] + b.Covariance[(i * n) + i];
        }
        double distance = meanTerm + traceTerm - (2 * TraceOfSqrtProduct(a.Covariance, b.Covariance, n));
        // Round-off can push a zero distance slightly below zero.
        return Math.Max(0, distance);
    }

    /// <summary>
    /// Tr((A B)^½) for symmetric positive semi-definite A and B. With S = A^½ (symmetric), A B is similar to
    /// S B S, which is symmetric PSD, so the trace is the sum of the square roots of its eigenvalues. Tiny negative
    /// eigenvalues from round-off count as zero. The eigen decompositions are MathNet.Numerics' symmetric solver
    /// (Householder tridiagonalisation and QL), on its managed provider.
    /// </summary>
    internal static double TraceOfSqrtProduct(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int n)
    {
        Matrix<double> matrixA = Matrix<double>.Build.DenseOfRowMajor(n, n, a.ToArray());
        Matrix<double> matrixB = Matrix<double>.Build.DenseOfRowMajor(n, n, b.ToArray());

        Evd<double> eigenA = matrixA.Evd(Symmetricity.Symmetric);
        Vector<double> roots = eigenA.D.Diagonal().Map(value => Math.Sqrt(Math.Max(0, value)));
        Matrix<double> sqrtA = eigenA.EigenVectors * Matrix<double>.Build.DiagonalOfDiagonalVector(roots) * eigenA.EigenVectors.Transpose();

        Matrix<double> product = sqrtA * matrixB * sqrtA;
        // Round-off leaves the product a little asymmetric; the symmetric solver wants it exact.
        product = (product + product.Transpose()) / 2;

        double trace = 0;
        foreach (double value in product.Evd(Symmetricity.Symmetric).D.Diagonal())
        {
            trace += Math.Sqrt(Math.Max(0, value));
        }
        return trace;
    }
}
