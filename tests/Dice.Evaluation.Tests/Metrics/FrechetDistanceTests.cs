using Dice.Evaluation.Metrics;

namespace Dice.Evaluation.Tests.Metrics;

public sealed class FrechetDistanceTests
{
    [Fact]
    public void Is_zero_for_identical_feature_sets()
    {
        float[][] features = RandomFeatures(new Random(1), 200, 16);

        double distance = FrechetDistance.Compute(features, features.Select(row => (float[])row.Clone()).ToArray());

        Assert.InRange(distance, 0, 1e-9);
    }

    [Fact]
    public void Is_zero_for_identical_rank_deficient_statistics()
    {
        // 5 samples in 20 dimensions: the covariance has rank 4.
        float[][] features = RandomFeatures(new Random(2), 5, 20);
        FeatureStatistics statistics = FeatureStatistics.Fit(features);

        Assert.InRange(FrechetDistance.Compute(statistics, statistics), 0, 1e-9);
    }

    [Fact]
    public void Matches_the_closed_form_for_diagonal_covariances()
    {
        var random = new Random(3);
        const int n = 12;
        double[] meanA = TestMatrices.RandomVector(random, n);
        double[] meanB = TestMatrices.RandomVector(random, n);
        double[] varianceA = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 4).ToArray();
        double[] varianceB = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 4).ToArray();
        varianceA[0] = 0; // a degenerate direction

        double distance = FrechetDistance.Compute(
            new FeatureStatistics(meanA, TestMatrices.Diagonal(varianceA)),
            new FeatureStatistics(meanB, TestMatrices.Diagonal(varianceB)));

        double expected = DiagonalClosedForm(meanA, varianceA, meanB, varianceB);
        Assert.Equal(expected, distance, 1e-10 * expected);
    }

    [Theory]
    [InlineData(8, 4)]
    [InlineData(32, 5)]
    [InlineData(256, 6)]
    public void Is_invariant_under_a_common_rotation_of_commuting_covariances(int n, int seed)
    {
        var random = new Random(seed);
        double[] meanA = TestMatrices.RandomVector(random, n);
        double[] meanB = TestMatrices.RandomVector(random, n);
        double[] varianceA = Enumerable.Range(0, n).Select(_ => 0.1 + (random.NextDouble() * 4)).ToArray();
        double[] varianceB = Enumerable.Range(0, n).Select(_ => 0.1 + (random.NextDouble() * 4)).ToArray();
        double[] q = TestMatrices.RandomOrthogonal(random, n);

        // Q diag(a) Qᵀ and Q diag(b) Qᵀ commute but are far from diagonal.
        double distance = FrechetDistance.Compute(
            new FeatureStatistics(TestMatrices.Apply(q, meanA), TestMatrices.Conjugate(q, TestMatrices.Diagonal(varianceA), n)),
            new FeatureStatistics(TestMatrices.Apply(q, meanB), TestMatrices.Conjugate(q, TestMatrices.Diagonal(varianceB), n)));

        double expected = DiagonalClosedForm(meanA, varianceA, meanB, varianceB);
        Assert.Equal(expected, distance, 1e-9 * expected);
    }

    [Fact]
    public void Matches_the_two_dimensional_closed_form_for_non_commuting_covariances()
    {
        // For 2 × 2 PSD A and B, AB has eigenvalues λ1, λ2 ≥ 0, so
        // (Tr (AB)^½)² = λ1 + λ2 + 2 √(λ1 λ2) = Tr(AB) + 2 √(det A · det B).
        double[] a = [2, 0.7, 0.7, 1];
        double[] b = [0.5, -0.3, -0.3, 3];
        double[] meanA = [1, 2];
        double[] meanB = [-1, 0.5];
        double traceAb = (a[0] * b[0]) + (a[1] * b[2]) + (a[2] * b[1]) + (a[3] * b[3]);
        double determinants = ((a[0] * a[3]) - (a[1] * a[2])) * ((b[0] * b[3]) - (b[1] * b[2]));
        double traceSqrt = Math.Sqrt(traceAb + (2 * Math.Sqrt(determinants)));
        double expected = Math.Pow(meanA[0] - meanB[0], 2) + Math.Pow(meanA[1] - meanB[1], 2)
            + a[0] + a[3] + b[0] + b[3] - (2 * traceSqrt);

        double distance = FrechetDistance.Compute(new FeatureStatistics(meanA, a), new FeatureStatistics(meanB, b));

        Assert.Equal(expected, distance, 1e-12);
    }

    [Fact]
    public void Scaling_a_covariance_by_c_squared_gives_one_minus_c_squared_times_its_trace()
    {
        // Σb = c² Σa ⇒ (Σa Σb)^½ = c Σa ⇒ d² = Tr Σa (1 + c² − 2c) = (1 − c)² Tr Σa.
        const int n = 24;
        const double c = 1.7;
        var random = new Random(7);
        double[] covariance = TestMatrices.RandomPsd(random, n, 40);
        double[] mean = TestMatrices.RandomVector(random, n);

        double distance = FrechetDistance.Compute(
            new FeatureStatistics(mean, covariance),
            new FeatureStatistics(mean, covariance.Select(value => c * c * value).ToArray()));

        double expected = (1 - c) * (1 - c) * TestMatrices.Trace(covariance, n);
        Assert.Equal(expected, distance, 1e-10 * expected);
    }

    [Fact]
    public void Shifting_every_sample_adds_the_squared_shift()
    {
        // Integer-valued features keep the shifted set's covariance exactly equal.
        var random = new Random(9);
        float[][] features = Enumerable.Range(0, 60)
            .Select(_ => Enumerable.Range(0, 10).Select(_ => (float)random.Next(-20, 21)).ToArray())
            .ToArray();
        float[] shift = Enumerable.Range(0, 10).Select(_ => (float)random.Next(-5, 6)).ToArray();
        float[][] shifted = features.Select(row => row.Select((value, j) => value + shift[j]).ToArray()).ToArray();

        double distance = FrechetDistance.Compute(features, shifted);

        double expected = shift.Sum(value => (double)value * value);
        Assert.Equal(expected, distance, 1e-9 * expected);
    }

    [Fact]
    public void Is_symmetric_and_its_square_root_obeys_the_triangle_inequality()
    {
        var random = new Random(13);
        const int n = 16;
        FeatureStatistics[] gaussians = Enumerable.Range(0, 3)
            .Select(_ => new FeatureStatistics(TestMatrices.RandomVector(random, n), TestMatrices.RandomPsd(random, n, 20)))
            .ToArray();

        double ab = FrechetDistance.Compute(gaussians[0], gaussians[1]);
        double ba = FrechetDistance.Compute(gaussians[1], gaussians[0]);
        double bc = FrechetDistance.Compute(gaussians[1], gaussians[2]);
        double ac = FrechetDistance.Compute(gaussians[0], gaussians[2]);

        Assert.Equal(ab, ba, 1e-10 * ab);
        Assert.True(Math.Sqrt(ac) <= Math.Sqrt(ab) + Math.Sqrt(bc) + 1e-9);
        Assert.True(ab > 0 && bc > 0 && ac > 0);
    }

    [Fact]
    public void Rejects_statistics_of_different_dimensions()
    {
        var two = new FeatureStatistics([0, 0], [1, 0, 0, 1]);
        var three = new FeatureStatistics([0, 0, 0], [1, 0, 0, 0, 1, 0, 0, 0, 1]);

        var error = Assert.Throws<ArgumentException>(() => FrechetDistance.Compute(two, three));
        Assert.Contains("different dimensions", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => FrechetDistance.Compute([[1, 2], [3, 4]], [[1, 2, 3], [4, 5, 6]]));
    }

    [Fact]
    public void Rejects_feature_sets_it_cannot_fit()
    {
        Assert.Throws<ArgumentException>(() => FrechetDistance.Compute([[1, 2]], [[1, 2], [3, 4]]));
        Assert.Throws<ArgumentException>(() => FrechetDistance.Compute([[1, 2], [3, float.NaN]], [[1, 2], [3, 4]]));
    }

    /// <summary>|Δμ|² + Σ (√σa − √σb)² for diagonal covariances.</summary>
    private static double DiagonalClosedForm(double[] meanA, double[] varianceA, double[] meanB, double[] varianceB)
    {
        double sum = 0;
        for (int i = 0; i < meanA.Length; i++)
        {
            sum += Math.Pow(meanA[i] - meanB[i], 2) + Math.Pow(Math.Sqrt(varianceA[i]) - Math.Sqrt(varianceB[i]), 2);
        }
        return sum;
    }

    private static float[][] RandomFeatures(Random random, int count, int dimension) =>
        Enumerable.Range(0, count)
            .Select(_ => Enumerable.Range(0, dimension).Select(_ => (float)TestMatrices.Gaussian(random)).ToArray())
            .ToArray();
}
