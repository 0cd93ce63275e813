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
    /// eigenvalues from round-off count as zero.
    /// </summary>
    internal static double TraceOfSqrtProduct(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int n)
    {
        SymmetricEigenDecomposition eigenA = SymmetricEigenSolver.Decompose(a, n);
        double[] sqrtA = new double[n * n];
        double[] scaled = new double[n];
        for (int k = 0; k < n; k++)
        {
            double root = Math.Sqrt(Math.Max(0, eigenA.Values[k]));
            if (root == 0)
            {
                continue;
            }
            ReadOnlySpan<double> v = eigenA.Vector(k);
            for (int j = 0; j < n; j++)
            {
                scaled[j] = root * v[j];
            }
            for (int i = 0; i < n; i++)
            {
                double vi = v[i];
                Span<double> row = sqrtA.AsSpan(i * n, n);
                for (int j = 0; j < n; j++)
                {
                    row[j] += vi * scaled[j];
                }
            }
        }

        double[] product = Multiply(Multiply(sqrtA, b, n), sqrtA, n);
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double mean = (product[(i * n) + j] + product[(j * n) + i]) / 2;
                product[(i * n) + j] = mean;
                product[(j * n) + i] = mean;
            }
        }

        double trace = 0;
        foreach (double value in SymmetricEigenSolver.Eigenvalues(product, n))
        {
            trace += Math.Sqrt(Math.Max(0, value));
        }
        return trace;
    }

    /// <summary>Row-major n × n product x · y.</summary>
    private static double[] Multiply(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int n)
    {
        double[] result = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            Span<double> target = result.AsSpan(i * n, n);
            for (int k = 0; k < n; k++)
            {
                double xik = x[(i * n) + k];
                if (xik == 0)
                {
                    continue;
                }
                ReadOnlySpan<double> source = y.Slice(k * n, n);
                for (int j = 0; j < n; j++)
                {
                    target[j] += xik * source[j];
                }
            }
        }
        return result;
    }
}
