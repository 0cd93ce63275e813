namespace Dice.Core.Sampling;

/// <summary>
/// The 32-bit Mersenne Twister (Matsumoto and Nishimura, 1998): 624 words of state, tempered output. Seeded with
/// the reference initialisation (state[0] = seed, state[i] = 1812433253·(state[i−1] ⊕ state[i−1] ≫ 30) + i),
/// which is what torch's CPU generator does with the low 32 bits of <c>manual_seed</c>'s value.
/// </summary>
internal sealed class Mt19937
{
    private const int N = 624;
    private const int M = 397;
    private const uint MatrixA = 0x9908B0DFu;
    private const uint UpperMask = 0x80000000u;
    private const uint LowerMask = 0x7FFFFFFFu;

    private readonly uint[] state = new uint[N];
    private int index;

    public Mt19937(uint seed)
    {
        state[0] = seed;
        for (var i = 1; i < N; i++)
        {
            var previous = state[i - 1];
            state[i] = unchecked(1812433253u * (previous ^ (previous >> 30)) + (uint)i);
        }
        index = N;
    }

    public uint NextUInt32()
    {
        if (index >= N)
        {
            Twist();
        }
        var y = state[index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C5680u;
        y ^= (y << 15) & 0xEFC60000u;
        y ^= y >> 18;
        return y;
    }

    private void Twist()
    {
        for (var i = 0; i < N; i++)
        {
            var y = (state[i] & UpperMask) | (state[(i + 1) % N] & LowerMask);
            var next = state[(i + M) % N] ^ (y >> 1);
            state[i] = (y & 1) == 0 ? next : next ^ MatrixA;
        }
        index = 0;
    }
}
