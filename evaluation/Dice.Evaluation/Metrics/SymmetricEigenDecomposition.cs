namespace Dice.Evaluation.Metrics;

/// <summary>
/// A = V Λ Vᵀ for a real symmetric matrix A: eigenvalues in ascending order, each with a unit eigenvector; the
/// eigenvectors are mutually orthogonal.
/// </summary>
public sealed class SymmetricEigenDecomposition
{
    private readonly double[] _values;
    private readonly double[] _vectors;

    internal SymmetricEigenDecomposition(int dimension, double[] values, double[] vectors)
    {
        Dimension = dimension;
        _values = values;
        _vectors = vectors;
    }

    public int Dimension { get; }

    /// <summary>The eigenvalues, ascending.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>The unit eigenvector of <see cref="Values"/>[<paramref name="index"/>].</summary>
    public ReadOnlySpan<double> Vector(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Dimension);
        return _vectors.AsSpan(index * Dimension, Dimension);
    }
}
