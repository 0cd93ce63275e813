using Dice.Evaluation.Metrics;

namespace Dice.Evaluation.Tests.Metrics;

public sealed class FeatureStatisticsTests
{
    // Mean (3, 4); centred rows (−2, −2), (0, 2), (2, 0); with n − 1 = 2:
    // var x = (4 + 0 + 4) / 2 = 4, cov xy = (4 + 0 + 0) / 2 = 2, var y = (4 + 4 + 0) / 2 = 4.
    private static readonly float[][] HandSet = [[1, 2], [3, 6], [5, 4]];

    [Fact]
    public void Fits_the_mean_and_unbiased_covariance_of_a_hand_computed_set()
    {
        FeatureStatistics statistics = FeatureStatistics.Fit(HandSet);

        Assert.Equal(2, statistics.Dimension);
        Assert.Equal([3.0, 4.0], statistics.Mean.ToArray());
        Assert.Equal([4.0, 2.0, 2.0, 4.0], statistics.Covariance.ToArray());
        Assert.Equal(2.0, statistics.CovarianceAt(1, 0));
    }

    [Fact]
    public void Fits_the_same_statistics_from_flat_rows()
    {
        float[] flat = HandSet.SelectMany(row => row).ToArray();

        FeatureStatistics statistics = FeatureStatistics.Fit(flat, 2);

        Assert.Equal([3.0, 4.0], statistics.Mean.ToArray());
        Assert.Equal([4.0, 2.0, 2.0, 4.0], statistics.Covariance.ToArray());
    }

    [Fact]
    public void Fits_a_symmetric_covariance_whose_diagonal_is_each_column_s_variance()
    {
        var random = new Random(3);
        float[][] features = Enumerable.Range(0, 50)
            .Select(_ => Enumerable.Range(0, 7).Select(_ => (float)TestMatrices.Gaussian(random)).ToArray())
            .ToArray();

        FeatureStatistics statistics = FeatureStatistics.Fit(features);

        for (int j = 0; j < 7; j++)
        {
            double[] column = features.Select(row => (double)row[j]).ToArray();
            double mean = column.Average();
            double variance = column.Sum(value => (value - mean) * (value - mean)) / (column.Length - 1);
            Assert.Equal(mean, statistics.Mean[j], 1e-12);
            Assert.Equal(variance, statistics.CovarianceAt(j, j), 1e-12);
            for (int i = 0; i < 7; i++)
            {
                Assert.Equal(statistics.CovarianceAt(i, j), statistics.CovarianceAt(j, i));
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Rejects_fewer_than_two_samples(int count)
    {
        float[][] features = Enumerable.Range(0, count).Select(_ => new float[] { 1, 2 }).ToArray();

        var error = Assert.Throws<ArgumentException>(() => FeatureStatistics.Fit(features));
        Assert.Contains("at least 2 samples", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => FeatureStatistics.Fit(features.SelectMany(row => row).ToArray(), 2));
    }

    [Fact]
    public void Rejects_samples_of_different_lengths()
    {
        var error = Assert.Throws<ArgumentException>(() => FeatureStatistics.Fit([[1, 2], [3, 4], [5]]));
        Assert.Contains("sample 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_empty_samples_and_flat_data_that_is_not_whole_rows()
    {
        Assert.Throws<ArgumentException>(() => FeatureStatistics.Fit([[], []]));
        Assert.Throws<ArgumentException>(() => FeatureStatistics.Fit([1, 2, 3, 4, 5], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => FeatureStatistics.Fit([1, 2, 3, 4], 0));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Rejects_non_finite_features(float bad)
    {
        var error = Assert.Throws<ArgumentException>(() => FeatureStatistics.Fit([[1, 2], [3, bad], [5, 6]]));
        Assert.Contains("sample 1, dimension 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Takes_given_statistics_and_copies_them()
    {
        double[] mean = [1, -2];
        double[] covariance = [2, 0.5, 0.5, 1];

        var statistics = new FeatureStatistics(mean, covariance);
        mean[0] = 100;
        covariance[1] = 100;

        Assert.Equal([1.0, -2.0], statistics.Mean.ToArray());
        Assert.Equal([2.0, 0.5, 0.5, 1.0], statistics.Covariance.ToArray());
    }

    [Fact]
    public void Rejects_given_statistics_that_do_not_fit_together()
    {
        Assert.Throws<ArgumentException>(() => new FeatureStatistics([], []));
        Assert.Throws<ArgumentException>(() => new FeatureStatistics([0, 0], [1, 0, 0]));
        Assert.Throws<ArgumentException>(() => new FeatureStatistics([0, 0], [1, 0.5, 0, 1]));
        Assert.Throws<ArgumentException>(() => new FeatureStatistics([double.NaN, 0], [1, 0, 0, 1]));
        Assert.Throws<ArgumentException>(() => new FeatureStatistics([0, 0], [1, 0, 0, double.PositiveInfinity]));
    }
}
