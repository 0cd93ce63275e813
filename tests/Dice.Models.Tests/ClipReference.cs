using System.Globalization;
using Dice.Models.Clip;

namespace Dice.Models.Tests;

/// <summary>
/// CLIP's text encoder written out loop by loop in double precision, straight from its definition, to check the
/// model definition against (independently of any backend's ops).
/// </summary>
internal static class ClipReference
{
    /// <returns>The last hidden state [B][L][d] and the pooled output [B][d].</returns>
    public static (double[][][] Last, double[][] Pooled) Forward(ClipTextConfig c, IReadOnlyDictionary<string, float[]> w, long[][] ids)
    {
        var last = ids.Select(row => Encode(c, w, row)).ToArray();
        var pooled = ids.Select((row, b) => last[b][Array.IndexOf(row, row.Max())]).ToArray();
        return (last, pooled);
    }

    private static double[][] Encode(ClipTextConfig c, IReadOnlyDictionary<string, float[]> w, long[] ids)
    {
        int d = c.HiddenSize, length = ids.Length;
        var token = w["text_model.embeddings.token_embedding.weight"];
        var position = w["text_model.embeddings.position_embedding.weight"];
        var h = Enumerable.Range(0, length)
            .Select(l => Enumerable.Range(0, d).Select(j => (double)token[(ids[l] * d) + j] + position[(l * d) + j]).ToArray())
            .ToArray();
        for (var i = 0; i < c.NumHiddenLayers; i++)
        {
            var p = $"text_model.encoder.layers.{i.ToString(CultureInfo.InvariantCulture)}.";
            var x = h.Select(row => LayerNorm(row, w[p + "layer_norm1.weight"], w[p + "layer_norm1.bias"], c.LayerNormEps)).ToArray();
            var q = x.Select(row => Linear(row, w, p + "self_attn.q_proj")).ToArray();
            var k = x.Select(row => Linear(row, w, p + "self_attn.k_proj")).ToArray();
            var v = x.Select(row => Linear(row, w, p + "self_attn.v_proj")).ToArray();
            var attended = Enumerable.Range(0, length).Select(_ => new double[d]).ToArray();
            int heads = c.NumAttentionHeads, dim = c.HeadDim;
            for (var head = 0; head < heads; head++)
            {
                for (var l = 0; l < length; l++)
                {
                    // Causal: query l sees keys 0..l.
                    var scores = Enumerable.Range(0, l + 1)
                        .Select(m => Enumerable.Range(head * dim, dim).Sum(j => q[l][j] * k[m][j]) / Math.Sqrt(dim))
                        .ToArray();
                    var max = scores.Max();
                    var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
                    var total = weights.Sum();
                    for (var m = 0; m <= l; m++)
                    {
                        for (var j = head * dim; j < (head + 1) * dim; j++)
                        {
                            attended[l][j] += weights[m] / total * v[m][j];
                        }
                    }
                }
            }
            h = h.Select((row, l) => Add(row, Linear(attended[l], w, p + "self_attn.out_proj"))).ToArray();
            h = h.Select(row =>
            {
                var normed = LayerNorm(row, w[p + "layer_norm2.weight"], w[p + "layer_norm2.bias"], c.LayerNormEps);
                var hidden = Linear(normed, w, p + "mlp.fc1").Select(z => Activation(c.HiddenAct, z)).ToArray();
                return Add(row, Linear(hidden, w, p + "mlp.fc2"));
            }).ToArray();
        }
        return [.. h.Select(row => LayerNorm(row, w["text_model.final_layer_norm.weight"], w["text_model.final_layer_norm.bias"], c.LayerNormEps))];
    }

    private static double Activation(ClipActivation activation, double z) => activation switch
    {
        ClipActivation.QuickGelu => z / (1 + Math.Exp(-1.702 * z)),
        _ => 0.5 * z * (1 + Erf(z / Math.Sqrt(2))),
    };

    /// <summary>erf by its Taylor series (|x| stays small here; converges to double precision for |x| ≤ 4).</summary>
    private static double Erf(double x)
    {
        if (Math.Abs(x) > 4)
        {
            return Math.Sign(x);
        }
        double sum = 0, term = x;
        for (var n = 0; n < 200; n++)
        {
            sum += term / ((2 * n) + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    private static double[] Linear(double[] x, IReadOnlyDictionary<string, float[]> w, string name)
    {
        var weight = w[name + ".weight"];
        var bias = w[name + ".bias"];
        return [.. Enumerable.Range(0, bias.Length).Select(o => bias[o] + Enumerable.Range(0, x.Length).Sum(i => weight[(o * x.Length) + i] * x[i]))];
    }

    private static double[] LayerNorm(double[] x, float[] weight, float[] bias, double eps)
    {
        var mean = x.Average();
        var variance = x.Sum(v => (v - mean) * (v - mean)) / x.Length;
        return [.. x.Select((v, j) => ((v - mean) / Math.Sqrt(variance + eps) * weight[j]) + bias[j])];
    }

    private static double[] Add(double[] a, double[] b) => [.. a.Select((v, j) => v + b[j])];
}
