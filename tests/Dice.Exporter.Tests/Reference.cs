namespace Dice.Exporter.Tests;

/// <summary>Plain C# reference computations (row-major arrays) that the exported graphs are checked against.</summary>
internal static class Reference
{
    /// <summary>x [rows, in] · Wᵀ [in, out] + b.</summary>
    public static float[] Linear(float[] x, int rows, int inputs, float[] weight, float[]? bias, int outputs)
    {
        var y = new float[rows * outputs];
        for (var r = 0; r < rows; r++)
        {
            for (var o = 0; o < outputs; o++)
            {
                double sum = bias?[o] ?? 0;
                for (var i = 0; i < inputs; i++)
                {
                    sum += (double)x[(r * inputs) + i] * weight[(o * inputs) + i];
                }
                y[(r * outputs) + o] = (float)sum;
            }
        }
        return y;
    }

    /// <summary>softmax(q·kᵀ/√D)·v for q [B, H, Lq, D], k/v [Bk, H, Lk, D] with Bk 1 or B.</summary>
    public static float[] Attention(float[] q, float[] k, float[] v, int batch, int keyBatch, int heads, int lq, int lk, int d, bool causal)
    {
        var output = new float[batch * heads * lq * d];
        var scores = new double[lk];
        for (var b = 0; b < batch; b++)
        {
            var kb = keyBatch == 1 ? 0 : b;
            for (var h = 0; h < heads; h++)
            {
                var qBase = ((b * heads) + h) * lq * d;
                var kBase = ((kb * heads) + h) * lk * d;
                for (var i = 0; i < lq; i++)
                {
                    var max = double.NegativeInfinity;
                    for (var j = 0; j < lk; j++)
                    {
                        double dot = 0;
                        for (var e = 0; e < d; e++)
                        {
                            dot += (double)q[qBase + (i * d) + e] * k[kBase + (j * d) + e];
                        }
                        scores[j] = causal && j > i ? double.NegativeInfinity : dot / Math.Sqrt(d);
                        max = Math.Max(max, scores[j]);
                    }
                    var total = 0.0;
                    for (var j = 0; j < lk; j++)
                    {
                        scores[j] = Math.Exp(scores[j] - max);
                        total += scores[j];
                    }
                    for (var e = 0; e < d; e++)
                    {
                        var sum = 0.0;
                        for (var j = 0; j < lk; j++)
                        {
                            sum += scores[j] / total * v[kBase + (j * d) + e];
                        }
                        output[qBase + (i * d) + e] = (float)sum;
                    }
                }
            }
        }
        return output;
    }

    /// <summary>Group norm of x [N, C, S] (S the flattened spatial size).</summary>
    public static float[] GroupNorm(float[] x, int n, int c, int s, int groups, float[] weight, float[] bias, double eps)
    {
        var y = new float[x.Length];
        var perGroup = c / groups;
        for (var b = 0; b < n; b++)
        {
            for (var g = 0; g < groups; g++)
            {
                var start = ((b * c) + (g * perGroup)) * s;
                var count = perGroup * s;
                var mean = 0.0;
                for (var i = 0; i < count; i++)
                {
                    mean += x[start + i];
                }
                mean /= count;
                var variance = 0.0;
                for (var i = 0; i < count; i++)
                {
                    variance += (x[start + i] - mean) * (x[start + i] - mean);
                }
                variance /= count;
                for (var i = 0; i < count; i++)
                {
                    var channel = (g * perGroup) + (i / s);
                    y[start + i] = (float)(((x[start + i] - mean) / Math.Sqrt(variance + eps) * weight[channel]) + bias[channel]);
                }
            }
        }
        return y;
    }

    /// <summary>Layer norm over the last dim of x [rows, d].</summary>
    public static float[] LayerNorm(float[] x, int rows, int d, float[] weight, float[] bias, double eps)
    {
        var y = new float[x.Length];
        for (var r = 0; r < rows; r++)
        {
            var row = x.AsSpan(r * d, d);
            var mean = 0.0;
            foreach (var value in row)
            {
                mean += value;
            }
            mean /= d;
            var variance = 0.0;
            foreach (var value in row)
            {
                variance += (value - mean) * (value - mean);
            }
            variance /= d;
            for (var i = 0; i < d; i++)
            {
                y[(r * d) + i] = (float)(((row[i] - mean) / Math.Sqrt(variance + eps) * weight[i]) + bias[i]);
            }
        }
        return y;
    }

    /// <summary>NCHW convolution with square stride and symmetric zero padding.</summary>
    public static float[] Conv2d(float[] x, int n, int cin, int h, int w, float[] weight, float[] bias, int cout, int k, int stride, int padding,
        out int oh, out int ow)
    {
        oh = ((h + (2 * padding) - k) / stride) + 1;
        ow = ((w + (2 * padding) - k) / stride) + 1;
        var y = new float[n * cout * oh * ow];
        for (var b = 0; b < n; b++)
        {
            for (var o = 0; o < cout; o++)
            {
                for (var i = 0; i < oh; i++)
                {
                    for (var j = 0; j < ow; j++)
                    {
                        double sum = bias[o];
                        for (var c = 0; c < cin; c++)
                        {
                            for (var u = 0; u < k; u++)
                            {
                                for (var v = 0; v < k; v++)
                                {
                                    var yy = (i * stride) + u - padding;
                                    var xx = (j * stride) + v - padding;
                                    if (yy >= 0 && yy < h && xx >= 0 && xx < w)
                                    {
                                        sum += (double)x[(((b * cin) + c) * h * w) + (yy * w) + xx] * weight[(((o * cin) + c) * k * k) + (u * k) + v];
                                    }
                                }
                            }
                        }
                        y[(((b * cout) + o) * oh * ow) + (i * ow) + j] = (float)sum;
                    }
                }
            }
        }
        return y;
    }

    /// <summary>erf by Abramowitz–Stegun 7.1.26 (absolute error below 1.5e-7).</summary>
    public static double Erf(double x)
    {
        var sign = Math.Sign(x);
        x = Math.Abs(x);
        var t = 1 / (1 + (0.3275911 * x));
        var poly = t * (0.254829592 + (t * (-0.284496736 + (t * (1.421413741 + (t * (-1.453152027 + (t * 1.061405429))))))));
        return sign * (1 - (poly * Math.Exp(-x * x)));
    }

    public static float Gelu(float x) => (float)(0.5 * x * (1 + Erf(x / Math.Sqrt(2))));

    public static float Sigmoid(double x) => (float)(1 / (1 + Math.Exp(-x)));

    /// <summary>Deterministic test values in [−scale, scale).</summary>
    public static float[] Values(int count, int seed, double scale = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(((random.NextDouble() * 2) - 1) * scale)).ToArray();
    }

    public static void AssertClose(float[] expected, float[] actual, double relative, double absolute = 1e-6)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0.0;
        var worstIndex = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var error = Math.Abs(expected[i] - actual[i]) - (relative * Math.Abs(expected[i])) - absolute;
            if (double.IsNaN(actual[i]) || error > worst)
            {
                worst = double.IsNaN(actual[i]) ? double.PositiveInfinity : error;
                worstIndex = i;
            }
        }
        Assert.True(worstIndex < 0, worstIndex < 0 ? "" : $"element {worstIndex}: expected {expected[worstIndex]}, got {actual[worstIndex]}");
    }
}
