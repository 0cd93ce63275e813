namespace Dice.Evaluation.Tests.Metrics;

/// <summary>Row-major dense matrices for the metric tests, built from a seeded generator.</summary>
internal static class TestMatrices
{
    public static double Gaussian(Random random)
    {
        // Box–Muller; 1 − u keeps the logarithm's argument in (0, 1].
        double u = 1 - random.NextDouble();
        double v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    public static double[] RandomVector(Random random, int n) => Enumerable.Range(0, n).Select(_ => Gaussian(random)).ToArray();

    /// <summary>G Gᵀ / columns for a random n × columns G: positive semi-definite, of rank min(n, columns).</summary>
    public static double[] RandomPsd(Random random, int n, int columns)
    {
        double[] g = Enumerable.Range(0, n * columns).Select(_ => Gaussian(random)).ToArray();
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int k = 0; k < columns; k++)
                {
                    sum += g[(i * columns) + k] * g[(j * columns) + k];
                }
                a[(i * n) + j] = sum / columns;
            }
        }
        return a;
    }

    /// <summary>A random orthogonal matrix: modified Gram–Schmidt on the rows of a Gaussian matrix.</summary>
    public static double[] RandomOrthogonal(Random random, int n)
    {
        double[] q = Enumerable.Range(0, n * n).Select(_ => Gaussian(random)).ToArray();
        for (int i = 0; i < n; i++)
        {
            Span<double> row = q.AsSpan(i * n, n);
            for (int k = 0; k < i; k++)
            {
                ReadOnlySpan<double> previous = q.AsSpan(k * n, n);
                double dot = Dot(row, previous);
                for (int j = 0; j < n; j++)
                {
                    row[j] -= dot * previous[j];
                }
            }
            double norm = Math.Sqrt(Dot(row, row));
            for (int j = 0; j < n; j++)
            {
                row[j] /= norm;
            }
        }
        return q;
    }

    public static double[] Diagonal(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            a[(i * n) + i] = values[i];
        }
        return a;
    }

    public static double[] Multiply(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int n)
    {
        double[] result = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int k = 0; k < n; k++)
                {
                    sum += x[(i * n) + k] * y[(k * n) + j];
                }
                result[(i * n) + j] = sum;
            }
        }
        return result;
    }

    public static double[] Transpose(ReadOnlySpan<double> x, int n)
    {
        double[] result = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                result[(j * n) + i] = x[(i * n) + j];
            }
        }
        return result;
    }

    /// <summary>Q A Qᵀ, made exactly symmetric.</summary>
    public static double[] Conjugate(ReadOnlySpan<double> q, ReadOnlySpan<double> a, int n)
    {
        double[] result = Multiply(Multiply(q, a, n), Transpose(q, n), n);
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                result[(i * n) + j] = result[(j * n) + i] = (result[(i * n) + j] + result[(j * n) + i]) / 2;
            }
        }
        return result;
    }

    /// <summary>Q v.</summary>
    public static double[] Apply(ReadOnlySpan<double> q, ReadOnlySpan<double> v)
    {
        int n = v.Length;
        double[] result = new double[n];
        for (int i = 0; i < n; i++)
        {
            result[i] = Dot(q.Slice(i * n, n), v);
        }
        return result;
    }

    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += x[i] * y[i];
        }
        return sum;
    }

    public static double Trace(ReadOnlySpan<double> a, int n)
    {
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += a[(i * n) + i];
        }
        return sum;
    }
}
