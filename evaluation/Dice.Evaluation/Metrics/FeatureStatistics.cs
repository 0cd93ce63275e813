using System.Numerics;

namespace Dice.Evaluation.Metrics;

/// <summary>
/// The mean and covariance of a Gaussian fitted to a set of feature vectors, in double precision. The covariance is
/// a row-major dimension × dimension matrix.
/// </summary>
public sealed class FeatureStatistics
{
    /// <summary>Asymmetry tolerated in a given covariance, relative to its largest entry; the stored matrix is symmetrized.</summary>
    private const double SymmetryTolerance = 1e-9;

    private readonly double[] _mean;
    private readonly double[] _covariance;

    /// <summary>
    /// Statistics given directly: <paramref name="mean"/> of length d ≥ 1 and a symmetric <paramref name="covariance"/>
    /// of d² entries, row-major. Both are copied.
    /// </summary>
    public FeatureStatistics(ReadOnlySpan<double> mean, ReadOnlySpan<double> covariance)
    {
        if (mean.IsEmpty)
        {
            throw new ArgumentException("the mean needs at least one dimension", nameof(mean));
        }
        int d = mean.Length;
        if (covariance.Length != (long)d * d)
        {
            throw new ArgumentException(
                $"a {d}-dimensional mean needs a {d}×{d} covariance ({(long)d * d} entries), got {covariance.Length}", nameof(covariance));
        }
        RequireFinite(mean, nameof(mean));
        RequireFinite(covariance, nameof(covariance));
        double largest = 0;
        foreach (double value in covariance)
        {
            largest = Math.Max(largest, Math.Abs(value));
        }
        _covariance = new double[covariance.Length];
        for (int i = 0; i < d; i++)
        {
            for (int j = i; j < d; j++)
            {
                double upper = covariance[(i * d) + j];
                double lower = covariance[(j * d) + i];
                if (Math.Abs(upper - lower) > SymmetryTolerance * largest)
                {
                    throw new ArgumentException(
                        $"the covariance is not symmetric: entry ({i}, {j}) is {upper} but ({j}, {i}) is {lower}", nameof(covariance));
                }
                _covariance[(i * d) + j] = _covariance[(j * d) + i] = (upper + lower) / 2;
            }
        }
        _mean = mean.ToArray();
    }

    private FeatureStatistics(double[] mean, double[] covariance)
    {
        _mean = mean;
        _covariance = covariance;
    }

    public int Dimension => _mean.Length;

    public ReadOnlySpan<double> Mean => _mean;

    /// <summary>Row-major, <see cref="Dimension"/>² entries.</summary>
    public ReadOnlySpan<double> Covariance => _covariance;

    public double CovarianceAt(int row, int column)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Dimension);
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, Dimension);
        return _covariance[(row * Dimension) + column];
    }

    /// <summary>
    /// The sample mean and unbiased (n − 1) sample covariance of <paramref name="features"/>: one row per sample, at
    /// least two rows, all of the same length d ≥ 1, every value finite.
    /// </summary>
    public static FeatureStatistics Fit(IReadOnlyList<float[]> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Count < 2)
        {
            throw new ArgumentException($"fitting a covariance needs at least 2 samples, got {features.Count}", nameof(features));
        }
        if (features[0] is null || features[0].Length == 0)
        {
            throw new ArgumentException("sample 0 is null or empty; features need at least one dimension", nameof(features));
        }
        int d = features[0].Length;
        float[] flat = new float[checked(features.Count * d)];
        for (int i = 0; i < features.Count; i++)
        {
            float[] row = features[i];
            if (row is null || row.Length != d)
            {
                throw new ArgumentException(
                    $"sample {i} has {row?.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no"} values but sample 0 has {d}; all samples need the same dimension",
                    nameof(features));
            }
            row.CopyTo(flat, i * d);
        }
        return Fit(flat, d);
    }

    /// <summary>
    /// As <see cref="Fit(IReadOnlyList{float[]})"/>, for samples stored back to back: <paramref name="features"/>
    /// holds n · <paramref name="dimension"/> values, sample i at [i · dimension, (i + 1) · dimension).
    /// </summary>
    public static FeatureStatistics Fit(ReadOnlySpan<float> features, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (features.Length % dimension != 0)
        {
            throw new ArgumentException(
                $"{features.Length} values are not a whole number of {dimension}-dimensional samples", nameof(features));
        }
        int n = features.Length / dimension;
        if (n < 2)
        {
            throw new ArgumentException($"fitting a covariance needs at least 2 samples, got {n}", nameof(features));
        }
        for (int i = 0; i < features.Length; i++)
        {
            if (!float.IsFinite(features[i]))
            {
                throw new ArgumentException(
                    $"sample {i / dimension}, dimension {i % dimension} is {features[i]}; features must be finite", nameof(features));
            }
        }

        double[] mean = new double[dimension];
        for (int s = 0; s < n; s++)
        {
            ReadOnlySpan<float> row = features.Slice(s * dimension, dimension);
            for (int j = 0; j < dimension; j++)
            {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < dimension; j++)
        {
            mean[j] /= n;
        }

        // Two-pass: products of centred values, accumulated into the upper triangle one sample at a time.
        double[] covariance = new double[dimension * dimension];
        double[] centred = new double[dimension];
        for (int s = 0; s < n; s++)
        {
            ReadOnlySpan<float> row = features.Slice(s * dimension, dimension);
            for (int j = 0; j < dimension; j++)
            {
                centred[j] = row[j] - mean[j];
            }
            for (int i = 0; i < dimension; i++)
            {
                AddScaled(covariance.AsSpan((i * dimension) + i, dimension - i), centred.AsSpan(i), centred[i]);
            }
        }
        for (int i = 0; i < dimension; i++)
        {
            for (int j = i; j < dimension; j++)
            {
                double value = covariance[(i * dimension) + j] / (n - 1);
                covariance[(i * dimension) + j] = value;
                covariance[(j * dimension) + i] = value;
            }
        }
        return new FeatureStatistics(mean, covariance);
    }

    /// <summary>target += scale · source, element-wise.</summary>
    private static void AddScaled(Span<double> target, ReadOnlySpan<double> source, double scale)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && target.Length >= Vector<double>.Count)
        {
            var factor = new Vector<double>(scale);
            for (; i <= target.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                (new Vector<double>(target[i..]) + (factor * new Vector<double>(source[i..]))).CopyTo(target[i..]);
            }
        }
        for (; i < target.Length; i++)
        {
            target[i] += scale * source[i];
        }
    }

    private static void RequireFinite(ReadOnlySpan<double> values, string name)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException($"entry {i} is {values[i]}; statistics must be finite", name);
            }
        }
    }
}
