using System.Numerics;

namespace Dice.Evaluation.Metrics;

/// <summary>
/// Eigenvalues and eigenvectors of real symmetric matrices by the cyclic Jacobi method, in double precision.
/// Matrices are row-major spans of dimension² values. Sweeps of plane rotations run until the off-diagonal part's
/// Frobenius norm is at most <see cref="Tolerance"/> times the whole matrix's.
/// </summary>
public static class SymmetricEigenSolver
{
    /// <summary>Relative size of the off-diagonal part at which the iteration stops.</summary>
    public const double Tolerance = 1e-12;

    /// <summary>Jacobi converges quadratically; real matrices need well under this many sweeps.</summary>
    private const int MaxSweeps = 100;

    /// <summary>
    /// Entries a[i, j] and a[j, i] may differ by this much relative to the largest entry (round-off from building
    /// the matrix); the solver works on their average.
    /// </summary>
    private const double SymmetryTolerance = 1e-9;

    /// <summary>Eigenvalues (ascending) and unit eigenvectors of the symmetric <paramref name="matrix"/>.</summary>
    public static SymmetricEigenDecomposition Decompose(ReadOnlySpan<double> matrix, int dimension)
    {
        double[] a = Symmetrized(matrix, dimension, out int stride);
        double[] vectors = new double[dimension * dimension];
        for (int i = 0; i < dimension; i++)
        {
            vectors[(i * dimension) + i] = 1;
        }
        Diagonalize(a, dimension, stride, vectors);

        int[] order = AscendingDiagonalOrder(a, dimension, stride);
        double[] values = new double[dimension];
        double[] sortedVectors = new double[dimension * dimension];
        for (int i = 0; i < dimension; i++)
        {
            values[i] = a[(order[i] * stride) + order[i]];
            vectors.AsSpan(order[i] * dimension, dimension).CopyTo(sortedVectors.AsSpan(i * dimension, dimension));
        }
        return new SymmetricEigenDecomposition(dimension, values, sortedVectors);
    }

    /// <summary>Only the eigenvalues (ascending) of the symmetric <paramref name="matrix"/>; cheaper than <see cref="Decompose"/>.</summary>
    public static double[] Eigenvalues(ReadOnlySpan<double> matrix, int dimension)
    {
        double[] a = Symmetrized(matrix, dimension, out int stride);
        Diagonalize(a, dimension, stride, vectors: null);
        return AscendingDiagonalOrder(a, dimension, stride).Select(i => a[(i * stride) + i]).ToArray();
    }

    /// <summary>
    /// A symmetric working copy of <paramref name="matrix"/>, rows <paramref name="stride"/> values apart. An odd
    /// stride keeps the columns the rotations walk from mapping onto a few cache sets, which for dimensions like 256
    /// makes the solver several times slower.
    /// </summary>
    private static double[] Symmetrized(ReadOnlySpan<double> matrix, int dimension, out int stride)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (matrix.Length != (long)dimension * dimension)
        {
            throw new ArgumentException(
                $"a {dimension}×{dimension} matrix has {(long)dimension * dimension} entries, got {matrix.Length}", nameof(matrix));
        }
        double largest = 0;
        for (int i = 0; i < matrix.Length; i++)
        {
            if (!double.IsFinite(matrix[i]))
            {
                throw new ArgumentException(
                    $"entry ({i / dimension}, {i % dimension}) is {matrix[i]}; the matrix must be finite", nameof(matrix));
            }
            largest = Math.Max(largest, Math.Abs(matrix[i]));
        }
        stride = dimension | 1;
        double[] a = new double[dimension * stride];
        for (int i = 0; i < dimension; i++)
        {
            for (int j = i; j < dimension; j++)
            {
                double upper = matrix[(i * dimension) + j];
                double lower = matrix[(j * dimension) + i];
                if (Math.Abs(upper - lower) > SymmetryTolerance * largest)
                {
                    throw new ArgumentException(
                        $"the matrix is not symmetric: entry ({i}, {j}) is {upper} but ({j}, {i}) is {lower}", nameof(matrix));
                }
                double mean = (upper + lower) / 2;
                a[(i * stride) + j] = mean;
                a[(j * stride) + i] = mean;
            }
        }
        return a;
    }

    /// <summary>
    /// Rotates <paramref name="a"/> (symmetric, row-major, kept symmetric throughout) towards diagonal form. When
    /// <paramref name="vectors"/> is given, its rows (the eigenvector estimates) receive the same rotations.
    /// </summary>
    private static void Diagonalize(double[] a, int n, int stride, double[]? vectors)
    {
        // The Frobenius norm is invariant under the rotations, so the stopping threshold is fixed up front.
        double total = 0;
        foreach (double value in a)
        {
            total += value * value; // the padding is zero
        }
        double threshold = Tolerance * Tolerance * total;
        double pairs = (double)n * (n - 1);
        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            double off = OffDiagonalSquared(a, n, stride);
            if (off <= threshold)
            {
                return;
            }
            // An entry below its share of the stopping threshold cannot keep the iteration going, so rotating it is
            // wasted work; in the first sweeps, entries well below the average are left for later too.
            double skip = Math.Max(threshold / pairs, sweep < 3 ? 0.04 * off / pairs : 0);
            for (int p = 0; p < n - 1; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[(p * stride) + q];
                    if (apq * apq > skip)
                    {
                        Rotate(a, n, stride, vectors, p, q);
                    }
                }
            }
        }
        throw new InvalidOperationException($"the Jacobi iteration did not converge in {MaxSweeps} sweeps");
    }

    private static double OffDiagonalSquared(double[] a, int n, int stride)
    {
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double value = a[(i * stride) + j];
                sum += value * value;
            }
        }
        return 2 * sum;
    }

    /// <summary>The rotation in the (p, q) plane that zeroes a[p, q] (the numerically stable form: |angle| ≤ π/4).</summary>
    private static void Rotate(double[] a, int n, int stride, double[]? vectors, int p, int q)
    {
        double apq = a[(p * stride) + q];
        double app = a[(p * stride) + p];
        double aqq = a[(q * stride) + q];
        double theta = (aqq - app) / (2 * apq);
        // t = tan(angle), the smaller root of t² + 2θt − 1 = 0; for huge θ, θ² would overflow.
        double t = Math.Abs(theta) > 1e150
            ? 1 / (2 * theta)
            : (theta >= 0 ? 1 : -1) / (Math.Abs(theta) + Math.Sqrt((theta * theta) + 1));
        double c = 1 / Math.Sqrt((t * t) + 1);
        double s = t * c;

        Span<double> rowP = a.AsSpan(p * stride, n);
        Span<double> rowQ = a.AsSpan(q * stride, n);
        RotatePair(rowP, rowQ, c, s);
        // Mirror the updated rows into the columns; the 2×2 block is set exactly below.
        for (int r = 0; r < n; r++)
        {
            a[(r * stride) + p] = rowP[r];
            a[(r * stride) + q] = rowQ[r];
        }
        a[(p * stride) + p] = app - (t * apq);
        a[(q * stride) + q] = aqq + (t * apq);
        a[(p * stride) + q] = 0;
        a[(q * stride) + p] = 0;

        if (vectors is not null)
        {
            RotatePair(vectors.AsSpan(p * n, n), vectors.AsSpan(q * n, n), c, s);
        }
    }

    /// <summary>(x, y) ← (c·x − s·y, s·x + c·y), element-wise.</summary>
    private static void RotatePair(Span<double> x, Span<double> y, double c, double s)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            var vc = new Vector<double>(c);
            var vs = new Vector<double>(s);
            for (; i <= x.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                var vx = new Vector<double>(x[i..]);
                var vy = new Vector<double>(y[i..]);
                ((vc * vx) - (vs * vy)).CopyTo(x[i..]);
                ((vs * vx) + (vc * vy)).CopyTo(y[i..]);
            }
        }
        for (; i < x.Length; i++)
        {
            double xi = x[i];
            double yi = y[i];
            x[i] = (c * xi) - (s * yi);
            y[i] = (s * xi) + (c * yi);
        }
    }

    private static int[] AscendingDiagonalOrder(double[] a, int n, int stride) =>
        // Ties keep index order, so the result is deterministic.
        Enumerable.Range(0, n).OrderBy(i => a[(i * stride) + i]).ThenBy(i => i).ToArray();
}
