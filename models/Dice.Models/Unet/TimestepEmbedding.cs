using Dice.Models.Layers;

namespace Dice.Models.Unet;

/// <summary>
/// The UNet's time embedding: sinusoidal features of the timestep (diffusers' Timesteps: half = dim/2 frequencies
/// exp(−ln(10000)·i / (half − freq_shift)), sines then cosines, or cosines first with flip_sin_to_cos), then
/// "{name}.linear_1" → SiLU → "{name}.linear_2".
/// </summary>
public sealed class TimestepEmbedding<T> where T : class
{
    private const double MaxPeriod = 10000;

    private readonly ITensorOps<T> ops;
    private readonly T frequencies;
    private readonly bool cosineFirst;
    private readonly Linear<T> linear1;
    private readonly Linear<T> linear2;

    public TimestepEmbedding(ITensorOps<T> ops, string name, int inputDim, int embedDim, bool flipSinToCos, double freqShift)
    {
        ArgumentNullException.ThrowIfNull(ops);
        if (inputDim <= 0 || inputDim % 2 != 0)
        {
            throw new ArgumentException($"{name}: the sinusoidal timestep features need a positive even width, not {inputDim}");
        }
        this.ops = ops;
        cosineFirst = flipSinToCos;
        frequencies = ops.ConstantFloat32(Frequencies(inputDim / 2, freqShift), [1, inputDim / 2]);
        linear1 = new Linear<T>(ops, ParameterName.Join(name, "linear_1"), inputDim, embedDim);
        linear2 = new Linear<T>(ops, ParameterName.Join(name, "linear_2"), embedDim, embedDim);
    }

    /// <summary>exp(−ln(max_period)·i / (half − shift)) for i in [0, half), computed as diffusers does, in float32.</summary>
    public static float[] Frequencies(int half, double freqShift)
    {
        var table = new float[half];
        float denominator = (float)(half - freqShift);
        for (int i = 0; i < half; i++)
        {
            float exponent = -(float)Math.Log(MaxPeriod) * i / denominator;
            table[i] = MathF.Exp(exponent);
        }
        return table;
    }

    /// <summary>
    /// The sinusoidal features [B, input_dim] of timestep [1] or [B] (integer or float), B the batch of
    /// <paramref name="batchLike"/>. Angles reach ~1000 rad, so they are computed in float32 whatever the
    /// compute type (half precision would be off by tenths of a radian), then cast.
    /// </summary>
    public T Sinusoidal(T timestep, T batchLike)
    {
        var t = ops.Unsqueeze(ops.ExpandToBatch(ops.ToFloat32(timestep), batchLike), 1);
        var angles = ops.Mul(t, frequencies);
        T[] parts = cosineFirst ? [ops.Cos(angles), ops.Sin(angles)] : [ops.Sin(angles), ops.Cos(angles)];
        return ops.ToComputeType(ops.Concat(parts, 1));
    }

    /// <summary>timestep [1] or [B] (integer or float) → [B, embed_dim], B the batch of <paramref name="batchLike"/>.</summary>
    public T Forward(T timestep, T batchLike) => linear2.Forward(ops.Silu(linear1.Forward(Sinusoidal(timestep, batchLike))));
}
