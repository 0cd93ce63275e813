namespace Dice.Core.Tests.Schedulers;

/// <summary>
/// The deterministic sample, noise and model of diffusers' scheduler tests (tests/schedulers/test_schedulers.py,
/// SchedulerCommonTest), reproduced in float32 as torch computes them, in the row-major [4, 3, 8, 8] layout.
/// </summary>
internal static class DiffusersDummies
{
    public const int Batch = 4;
    public const int Channels = 3;
    public const int Height = 8;
    public const int Width = 8;
    public const int Count = Batch * Channels * Height * Width;

    /// <summary>
    /// dummy_sample_deter: torch.arange(768).reshape(3, 8, 8, 4) / 768, permuted to [4, 3, 8, 8], so element
    /// [b, c, h, w] is (c·256 + h·32 + w·4 + b) / 768.
    /// </summary>
    public static float[] SampleDeter() => Fill(position => position);

    /// <summary>dummy_noise_deter: the same with torch.arange(768).flip(-1), so element [b, c, h, w] is (767 − (c·256 + h·32 + w·4 + b)) / 768.</summary>
    public static float[] NoiseDeter() => Fill(position => Count - 1 - position);

    /// <summary>dummy_model: model(sample, t) = sample · t / (t + 1), t cast to the sample's dtype (float32).</summary>
    public static void Model(ReadOnlySpan<float> sample, float t, Span<float> output)
    {
        for (int i = 0; i < sample.Length; i++)
        {
            output[i] = sample[i] * t / (t + 1f);
        }
    }

    /// <summary>torch.sum(torch.abs(sample)).</summary>
    public static double AbsSum(ReadOnlySpan<float> sample)
    {
        double sum = 0;
        foreach (float value in sample)
        {
            sum += Math.Abs(value);
        }
        return sum;
    }

    /// <summary>torch.mean(torch.abs(sample)).</summary>
    public static double AbsMean(ReadOnlySpan<float> sample) => AbsSum(sample) / sample.Length;

    private static float[] Fill(Func<int, int> arangeValueAt)
    {
        var values = new float[Count];
        for (int b = 0; b < Batch; b++)
        {
            for (int c = 0; c < Channels; c++)
            {
                for (int h = 0; h < Height; h++)
                {
                    for (int w = 0; w < Width; w++)
                    {
                        // Position in the arange before the permute: the [3, 8, 8, 4] layout.
                        int position = ((c * Height + h) * Width + w) * Batch + b;
                        values[((b * Channels + c) * Height + h) * Width + w] = arangeValueAt(position) / (float)Count;
                    }
                }
            }
        }
        return values;
    }
}
