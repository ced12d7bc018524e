namespace Tokengate.Simulator.Randomness;

/// <summary>
/// SplitMix64: tiny, allocation-free and identical on every platform, unlike <see cref="Random"/> seeds. Everything
/// the simulator generates from a request (text, JSON values, logprobs) draws from one of these, seeded by the
/// request's content, so the same request always gets the same answer.
/// </summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        _state += 0x9E3779B97F4A7C15UL;
        var z = _state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A value in [0, <paramref name="bound"/>); 0 when the bound is not positive.</summary>
    public int Next(int bound) => bound <= 0 ? 0 : (int)(Next() % (ulong)bound);

    /// <summary>A value in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    public bool NextBool() => (Next() & 1) == 1;
}
