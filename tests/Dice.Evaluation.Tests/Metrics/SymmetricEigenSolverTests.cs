using Dice.Evaluation.Metrics;

namespace Dice.Evaluation.Tests.Metrics;

public sealed class SymmetricEigenSolverTests
{
    [Fact]
    public void Finds_the_eigenpairs_of_a_known_two_by_two_matrix()
    {
        SymmetricEigenDecomposition result = SymmetricEigenSolver.Decompose([2, 1, 1, 2], 2);

        Assert.Equal(1, result.Values[0], 1e-14);
        Assert.Equal(3, result.Values[1], 1e-14);
        // Eigenvectors are defined up to sign: (1, −1)/√2 for 1 and (1, 1)/√2 for 3.
        double h = 1 / Math.Sqrt(2);
        Assert.Equal(1, Math.Abs(TestMatrices.Dot(result.Vector(0), [h, -h])), 1e-14);
        Assert.Equal(1, Math.Abs(TestMatrices.Dot(result.Vector(1), [h, h])), 1e-14);
    }

    [Fact]
    public void Returns_a_diagonal_matrix_s_entries_in_ascending_order_with_unit_vectors()
    {
        double[] diagonal = [3, -1, 7, 0, 2];
        SymmetricEigenDecomposition result = SymmetricEigenSolver.Decompose(TestMatrices.Diagonal(diagonal), diagonal.Length);

        Assert.Equal(diagonal.Order().ToArray(), result.Values.ToArray());
        for (int k = 0; k < diagonal.Length; k++)
        {
            int source = Array.IndexOf(diagonal, result.Values[k]);
            double[] expected = new double[diagonal.Length];
            expected[source] = 1;
            Assert.Equal(expected, result.Vector(k).ToArray().Select(Math.Abs).ToArray());
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(10, 3)]
    [InlineData(40, 4)]
    [InlineData(96, 5)]
    public void Reconstructs_a_random_symmetric_matrix_from_orthonormal_eigenvectors(int n, int seed)
    {
        double[] a = TestMatrices.RandomSymmetric(new Random(seed), n);

        SymmetricEigenDecomposition result = SymmetricEigenSolver.Decompose(a, n);

        AssertDecomposes(a, n, result);
    }

    [Fact]
    public void Handles_repeated_eigenvalues()
    {
        const int n = 6;
        double[] q = TestMatrices.RandomOrthogonal(new Random(11), n);
        double[] values = [2, 2, 2, 5, 5, -1];
        double[] a = TestMatrices.Conjugate(q, TestMatrices.Diagonal(values), n);

        SymmetricEigenDecomposition result = SymmetricEigenSolver.Decompose(a, n);

        double[] expected = values.Order().ToArray();
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(expected[i], result.Values[i], 1e-12);
        }
        AssertDecomposes(a, n, result);
    }

    [Fact]
    public void Decomposes_a_large_rank_deficient_covariance_like_matrix()
    {
        const int n = 256;
        double[] a = TestMatrices.RandomPsd(new Random(5), n, 100);

        SymmetricEigenDecomposition result = SymmetricEigenSolver.Decompose(a, n);

        AssertDecomposes(a, n, result);
        // Rank 100: the 156 smallest eigenvalues vanish up to round-off.
        double largest = result.Values[n - 1];
        for (int i = 0; i < n - 100; i++)
        {
            Assert.True(Math.Abs(result.Values[i]) <= 1e-12 * largest * n, $"eigenvalue {i} is {result.Values[i]}");
        }
        Assert.True(result.Values[n - 100] > 1e-6 * largest);
    }

    [Fact]
    public void Leaves_the_zero_matrix_as_it_is()
    {
        SymmetricEigenDecomposition result = SymmetricEigenSolver.Decompose(new double[9], 3);

        Assert.Equal(new double[3], result.Values.ToArray());
        AssertDecomposes(new double[9], 3, result);
    }

    [Fact]
    public void Eigenvalues_alone_match_the_full_decomposition()
    {
        const int n = 30;
        double[] a = TestMatrices.RandomSymmetric(new Random(21), n);

        double[] values = SymmetricEigenSolver.Eigenvalues(a, n);
        SymmetricEigenDecomposition full = SymmetricEigenSolver.Decompose(a, n);

        for (int i = 0; i < n; i++)
        {
            Assert.Equal(full.Values[i], values[i], 1e-12);
        }
    }

    [Fact]
    public void Does_not_modify_its_input()
    {
        double[] a = TestMatrices.RandomSymmetric(new Random(8), 5);
        double[] copy = (double[])a.Clone();

        SymmetricEigenSolver.Decompose(a, 5);
        SymmetricEigenSolver.Eigenvalues(a, 5);

        Assert.Equal(copy, a);
    }

    [Fact]
    public void Rejects_a_non_symmetric_matrix()
    {
        var error = Assert.Throws<ArgumentException>(() => SymmetricEigenSolver.Decompose([1, 2, 3, 4], 2));
        Assert.Contains("not symmetric", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Rejects_a_non_finite_matrix(double bad)
    {
        var error = Assert.Throws<ArgumentException>(() => SymmetricEigenSolver.Eigenvalues([1, 0, 0, bad], 2));
        Assert.Contains("finite", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_a_span_that_is_not_dimension_squared_long()
    {
        Assert.Throws<ArgumentException>(() => SymmetricEigenSolver.Decompose([1, 0, 0], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => SymmetricEigenSolver.Decompose([], 0));
    }

    /// <summary>Ascending values, orthonormal vectors, A v = λ v and A = V Λ Vᵀ, all to round-off.</summary>
    private static void AssertDecomposes(double[] a, int n, SymmetricEigenDecomposition result)
    {
        Assert.Equal(n, result.Dimension);
        Assert.Equal(n, result.Values.Length);
        double scale = Math.Max(TestMatrices.MaxAbs(a), 1);
        double tolerance = 1e-13 * n * scale;
        for (int k = 1; k < n; k++)
        {
            Assert.True(result.Values[k - 1] <= result.Values[k], $"eigenvalues {k - 1} and {k} are out of order");
        }
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double dot = TestMatrices.Dot(result.Vector(i), result.Vector(j));
                Assert.True(Math.Abs(dot - (i == j ? 1 : 0)) <= 1e-13 * n, $"v{i}·v{j} = {dot}");
            }
        }
        for (int k = 0; k < n; k++)
        {
            ReadOnlySpan<double> v = result.Vector(k);
            double[] av = new double[n];
            for (int i = 0; i < n; i++)
            {
                av[i] = TestMatrices.Dot(a.AsSpan(i * n, n), v);
            }
            for (int i = 0; i < n; i++)
            {
                Assert.True(Math.Abs(av[i] - (result.Values[k] * v[i])) <= tolerance, $"(A v{k})[{i}] = {av[i]}, λ v = {result.Values[k] * v[i]}");
            }
        }
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int k = 0; k < n; k++)
                {
                    sum += result.Vector(k)[i] * result.Values[k] * result.Vector(k)[j];
                }
                Assert.True(Math.Abs(sum - a[(i * n) + j]) <= tolerance, $"(V Λ Vᵀ)[{i}, {j}] = {sum}, A = {a[(i * n) + j]}");
            }
        }
    }
}
