namespace Tokengate.Simulator.Randomness;

/// <summary>The one seeded random source of a simulator instance, shared by jitter and fault decisions.</summary>
internal sealed class SimulatorRandom(int seed)
{
    private readonly Random _random = new(seed);
    private readonly Lock _lock = new();

    public double NextDouble()
    {
        lock (_lock)
        {
            return _random.NextDouble();
        }
    }

    /// <summary>True with the given probability; never draws for 0 so that unused fault rates keep sequences stable.</summary>
    public bool Chance(double probability) => probability > 0 && (probability >= 1 || NextDouble() < probability);
}
