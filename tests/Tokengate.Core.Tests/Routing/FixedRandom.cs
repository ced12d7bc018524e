namespace Tokengate.Routing;

/// <summary>A random source whose <see cref="Random.NextDouble"/> returns one chosen value, for exact weighted picks.</summary>
internal sealed class FixedRandom(double value) : Random
{
    protected override double Sample() => value;
}
