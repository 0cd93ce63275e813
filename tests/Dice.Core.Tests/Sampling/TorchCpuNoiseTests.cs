using Dice.Core.Sampling;

namespace Dice.Core.Tests.Sampling;

/// <summary>
/// <see cref="TorchCpuNoise"/> against values torch printed (4 decimals, as torch prints them) and, for sizes with
/// blocks and a tail, against a plain re-derivation of torch's published algorithm written here from scratch: the
/// reference Mersenne Twister of Matsumoto and Nishimura (itself checked against the standard's test vectors), the
/// 24- and 53-bit uniforms, and Box–Muller per element below 16 values or per block of 16 from 16 up.
/// </summary>
public sealed class TorchCpuNoiseTests
{
    private const float Printed = 5e-5f;

    [Fact]
    public void The_reference_twister_gives_the_standard_test_vectors()
    {
        // C++ [rand.predef]: the 10000th consecutive output of a default-constructed mt19937 (seed 5489) is
        // 4123659995; the first is 3499211612 (the reference mt19937ar.c with init_genrand(5489)).
        var reference = new ReferenceTwister(5489);
        Assert.Equal(3499211612u, reference.Next());
        for (var i = 2; i < 10000; i++)
        {
            reference.Next();
        }
        Assert.Equal(4123659995u, reference.Next());
    }

    [Fact]
    public void Dice_twister_matches_the_reference_twister()
    {
        foreach (var seed in new uint[] { 0, 1, 42, 5489, 0xFFFFFFFF })
        {
            var ours = new Mt19937(seed);
            var reference = new ReferenceTwister(seed);
            for (var i = 0; i < 2000; i++)
            {
                Assert.Equal(reference.Next(), ours.NextUInt32());
            }
        }
    }

    [Fact]
    public void Eight_values_from_seed_0_are_torchs()
    {
        // torch.manual_seed(0); torch.randn(8)
        float[] printed = [1.5410f, -0.2934f, -2.1788f, 0.5684f, -1.0845f, -1.3986f, 0.4033f, 0.8380f];
        var values = new float[8];
        new TorchCpuNoise(0).Fill(values);
        AssertPrinted(printed, values);
    }

    [Fact]
    public void Six_values_from_seed_42_are_torchs()
    {
        // torch.manual_seed(42); torch.randn(2, 3), as printed in tutorials: [[0.3367, 0.1288, 0.2345], [0.2303, -1.1229, -0.1863]]
        float[] printed = [0.3367f, 0.1288f, 0.2345f, 0.2303f, -1.1229f, -0.1863f];
        var values = new float[6];
        new TorchCpuNoise(42).Fill(values);
        AssertPrinted(printed, values);
    }

    [Fact]
    public void Sizes_below_and_from_16_behave_as_pytorch_issue_80202_shows()
    {
        // pytorch/pytorch#80202, seed 0: randn(1, 7)[:, 0] then randn(1, 7)[:, 0] print 1.5410 then 0.8380 (the
        // second call starts with the sine kept from the first), and randn(2, 7)[:, 0] prints [1.5410, 0.8380];
        // randn(1, 8) then randn(1, 8) print 1.5410 then -0.7193, and randn(2, 8)[:, 0] prints [-1.1258, 0.3223].
        var noise = new TorchCpuNoise(0);
        var seven = new float[7];
        noise.Fill(seven);
        Assert.Equal(1.5410f, seven[0], Printed);
        noise.Fill(seven);
        Assert.Equal(0.8380f, seven[0], Printed);

        var fourteen = new float[14];
        new TorchCpuNoise(0).Fill(fourteen);
        Assert.Equal(1.5410f, fourteen[0], Printed);
        Assert.Equal(0.8380f, fourteen[7], Printed);

        noise = new TorchCpuNoise(0);
        var eight = new float[8];
        noise.Fill(eight);
        Assert.Equal(1.5410f, eight[0], Printed);
        noise.Fill(eight);
        Assert.Equal(-0.7193f, eight[0], Printed);

        var sixteen = new float[16];
        new TorchCpuNoise(0).Fill(sixteen);
        Assert.Equal(-1.1258f, sixteen[0], Printed);
        Assert.Equal(0.3223f, sixteen[8], Printed);
    }

    [Theory]
    [InlineData(0UL, 3)]
    [InlineData(0UL, 15)]
    [InlineData(0UL, 16)]
    [InlineData(0UL, 20)]
    [InlineData(1234UL, 47)]
    [InlineData(0x1_0000_0007UL, 64)]
    [InlineData(7UL, 4 * 8 * 8)]
    public void Every_size_matches_the_plain_rederivation_bit_for_bit(ulong seed, int size)
    {
        var expected = ReferenceRandn(seed, size);
        var values = new float[size];
        new TorchCpuNoise(seed).Fill(values);
        for (var i = 0; i < size; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(values[i]),
                $"element {i} of {size}: expected {expected[i]:R}, got {values[i]:R}");
        }
    }

    [Fact]
    public void Twenty_values_use_the_blocks_and_redraw_the_last_sixteen()
    {
        // 20 values: 20 uniforms, one block over 0..15, then 16 fresh uniforms for 4..19 and a second block there;
        // so elements 0..3 come from the first draw and no value equals what randn(16) gives at 4..15.
        var twenty = new float[20];
        new TorchCpuNoise(0).Fill(twenty);
        var sixteen = new float[16];
        new TorchCpuNoise(0).Fill(sixteen);
        Assert.Equal(-1.1258f, twenty[0], Printed);
        for (var i = 0; i < 4; i++)
        {
            // Elements 0..3 pair with 8..11 of the first block, whose uniforms randn(16) shares.
            Assert.Equal(sixteen[i], twenty[i]);
        }
        for (var i = 4; i < 16; i++)
        {
            Assert.NotEqual(sixteen[i], twenty[i]);
        }
    }

    [Fact]
    public void Log1p_is_accurate_where_1_plus_x_rounds()
    {
        // ln(1 + x) = x − x²/2 + x³/3 − … ; for x = −1e−10 the series to three terms is exact in double.
        const double x = -1e-10;
        var series = x - x * x / 2 + x * x * x / 3;
        Assert.Equal(series, TorchCpuNoise.Log1P(x), 1e-25);
        Assert.Equal(Math.Log(0.25), TorchCpuNoise.Log1P(-0.75), 1e-15);
    }

    private static void AssertPrinted(float[] printed, float[] values)
    {
        for (var i = 0; i < printed.Length; i++)
        {
            Assert.True(Math.Abs(printed[i] - values[i]) <= Printed, $"element {i}: torch printed {printed[i]}, got {values[i]}");
        }
    }

    /// <summary>torch.randn(size) in float32 re-derived from torch's CPU kernels, written plainly.</summary>
    private static float[] ReferenceRandn(ulong seed, int size)
    {
        var twister = new ReferenceTwister((uint)(seed & 0xFFFFFFFF));
        var result = new float[size];
        if (size < 16)
        {
            double? kept = null;
            for (var i = 0; i < size; i++)
            {
                if (kept.HasValue)
                {
                    result[i] = (float)kept.Value;
                    kept = null;
                    continue;
                }
                double Uniform53()
                {
                    ulong hi = twister.Next();
                    ulong lo = twister.Next();
                    ulong bits = (hi * 4294967296UL + lo) % 9007199254740992UL;
                    return bits / 9007199254740992.0;
                }
                var u1 = Uniform53();
                var u2 = Uniform53();
                var radius = Math.Sqrt(-2.0 * Math.Log(1.0 - u2));
                var angle = 2.0 * Math.PI * u1;
                kept = radius * Math.Sin(angle);
                result[i] = (float)(radius * Math.Cos(angle));
            }
            return result;
        }

        float Uniform24() => (twister.Next() % 16777216u) / 16777216f;
        void BoxMuller(int start)
        {
            for (var j = 0; j < 8; j++)
            {
                var a = 1f - result[start + j];
                var b = result[start + j + 8];
                var radius = MathF.Sqrt(-2f * MathF.Log(a));
                var angle = (float)(2.0 * Math.PI * b);
                result[start + j] = radius * MathF.Cos(angle);
                result[start + j + 8] = radius * MathF.Sin(angle);
            }
        }
        for (var i = 0; i < size; i++)
        {
            result[i] = Uniform24();
        }
        var blocks = size / 16;
        for (var k = 0; k < blocks; k++)
        {
            BoxMuller(16 * k);
        }
        if (blocks * 16 != size)
        {
            for (var i = size - 16; i < size; i++)
            {
                result[i] = Uniform24();
            }
            BoxMuller(size - 16);
        }
        return result;
    }

    /// <summary>mt19937ar as published: genrand_int32 refilling all 624 words at once.</summary>
    private sealed class ReferenceTwister
    {
        private readonly uint[] mt = new uint[624];
        private int mti;

        public ReferenceTwister(uint seed)
        {
            mt[0] = seed;
            for (mti = 1; mti < 624; mti++)
            {
                mt[mti] = unchecked(1812433253u * (mt[mti - 1] ^ (mt[mti - 1] >> 30)) + (uint)mti);
            }
        }

        public uint Next()
        {
            uint[] mag01 = [0u, 0x9908b0dfu];
            uint y;
            if (mti >= 624)
            {
                int kk;
                for (kk = 0; kk < 624 - 397; kk++)
                {
                    y = (mt[kk] & 0x80000000u) | (mt[kk + 1] & 0x7fffffffu);
                    mt[kk] = mt[kk + 397] ^ (y >> 1) ^ mag01[y & 1];
                }
                for (; kk < 623; kk++)
                {
                    y = (mt[kk] & 0x80000000u) | (mt[kk + 1] & 0x7fffffffu);
                    mt[kk] = mt[kk + (397 - 624)] ^ (y >> 1) ^ mag01[y & 1];
                }
                y = (mt[623] & 0x80000000u) | (mt[0] & 0x7fffffffu);
                mt[623] = mt[396] ^ (y >> 1) ^ mag01[y & 1];
                mti = 0;
            }
            y = mt[mti++];
            y ^= y >> 11;
            y ^= (y << 7) & 0x9d2c5680u;
            y ^= (y << 15) & 0xefc60000u;
            y ^= y >> 18;
            return y;
        }
    }
}
