using Dice.Runtime.Pipelines;

namespace Dice.Evaluation;

/// <summary>
/// The paper's padding-token finding: mean cosine similarity between the original embedding c and the sharpened
/// c + alpha·r(c, c_null), per token, for semantic tokens (after the start token, up to and including the first
/// end token) and for padding tokens (after it). The start token is left out: DICE keeps it exactly.
/// </summary>
public sealed record EmbeddingSimilarity(double Semantic, double Padding, long SemanticTokens, long PaddingTokens, int Prompts, double Alpha)
{
    public static EmbeddingSimilarity Measure(StableDiffusionPipeline pipeline, IReadOnlyList<string> prompts, double alpha = 1.0, int batch = 64)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0)
        {
            throw new ArgumentException("no prompts to measure the embeddings on");
        }
        var eos = pipeline.Tokenizer.EosId;
        double semantic = 0, padding = 0;
        long semanticCount = 0, paddingCount = 0;
        for (var start = 0; start < prompts.Count; start += batch)
        {
            var chunk = prompts.Skip(start).Take(batch).ToList();
            var (original, sequence, width) = pipeline.EncodePrompts(chunk);
            var (sharpened, _, _) = pipeline.EncodePrompts(chunk, dice: true, alpha);
            for (var b = 0; b < chunk.Count; b++)
            {
                var ids = pipeline.Tokenizer.Tokenize(chunk[b]);
                var end = Array.IndexOf(ids, eos, 1);
                end = end < 0 ? sequence - 1 : end;
                for (var t = 1; t < sequence; t++)
                {
                    var offset = (b * sequence + t) * width;
                    var cos = Cosine(original.AsSpan(offset, width), sharpened.AsSpan(offset, width));
                    if (t <= end)
                    {
                        semantic += cos;
                        semanticCount++;
                    }
                    else
                    {
                        padding += cos;
                        paddingCount++;
                    }
                }
            }
        }
        return new EmbeddingSimilarity(semanticCount > 0 ? semantic / semanticCount : double.NaN,
            paddingCount > 0 ? padding / paddingCount : double.NaN, semanticCount, paddingCount, prompts.Count, alpha);
    }

    /// <summary>Cosine similarity; 1 when both vectors are zero, 0 when one is.</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        if (na == 0 && nb == 0)
        {
            return 1;
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }
}
