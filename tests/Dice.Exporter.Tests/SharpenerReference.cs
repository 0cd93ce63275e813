using Dice.Models.Sharpener;

namespace Dice.Exporter.Tests;

/// <summary>The DICE sharpener computed directly in C#, independent of the model definition.</summary>
internal static class SharpenerReference
{
    /// <summary>r(c, c_null) for c [batch, length, d] and c_null [nullBatch, length, d] (nullBatch 1 or batch).</summary>
    public static float[] Forward(IReadOnlyDictionary<string, float[]> w, SharpenerConfig config, float[] c, int batch, float[] cNull, int nullBatch,
        int length)
    {
        int d = config.EmbeddingDim, inner = config.InnerDim, heads = config.Heads, headDim = config.HeadDim;
        var h = Relu(Reference.Linear(c, batch * length, d, w["fc1.weight"], w["fc1.bias"], inner));
        var hn = Relu(Reference.Linear(cNull, nullBatch * length, d, w["fc1.weight"], w["fc1.bias"], inner));
        var q = SplitHeads(Reference.Linear(h, batch * length, inner, w["attention.to_q.weight"], null, inner), batch, length, heads, headDim);
        var k = SplitHeads(Reference.Linear(hn, nullBatch * length, inner, w["attention.to_k.weight"], null, inner), nullBatch, length, heads, headDim);
        var v = SplitHeads(Reference.Linear(hn, nullBatch * length, inner, w["attention.to_v.weight"], null, inner), nullBatch, length, heads, headDim);
        var attended = MergeHeads(Reference.Attention(q, k, v, batch, nullBatch, heads, length, length, headDim, causal: false), batch, length, heads, headDim);
        var projected = Relu(Reference.Linear(attended, batch * length, inner, w["attention.to_out.0.weight"], w["attention.to_out.0.bias"], inner));
        return Reference.Linear(projected, batch * length, inner, w["fc2.weight"], w["fc2.bias"], d);
    }

    private static float[] Relu(float[] x) => x.Select(v => Math.Max(v, 0f)).ToArray();

    /// <summary>[B, L, H·D] → [B, H, L, D]</summary>
    private static float[] SplitHeads(float[] x, int batch, int length, int heads, int headDim)
    {
        var y = new float[x.Length];
        for (var b = 0; b < batch; b++)
        {
            for (var l = 0; l < length; l++)
            {
                for (var h = 0; h < heads; h++)
                {
                    for (var e = 0; e < headDim; e++)
                    {
                        y[((((b * heads) + h) * length) + l) * headDim + e] = x[((((b * length) + l) * heads) + h) * headDim + e];
                    }
                }
            }
        }
        return y;
    }

    /// <summary>[B, H, L, D] → [B, L, H·D]</summary>
    private static float[] MergeHeads(float[] x, int batch, int length, int heads, int headDim)
    {
        var y = new float[x.Length];
        for (var b = 0; b < batch; b++)
        {
            for (var l = 0; l < length; l++)
            {
                for (var h = 0; h < heads; h++)
                {
                    for (var e = 0; e < headDim; e++)
                    {
                        y[((((b * length) + l) * heads) + h) * headDim + e] = x[((((b * heads) + h) * length) + l) * headDim + e];
                    }
                }
            }
        }
        return y;
    }
}
