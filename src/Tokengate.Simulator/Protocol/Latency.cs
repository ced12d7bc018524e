using Tokengate.Simulator.Randomness;

namespace Tokengate.Simulator.Protocol;

/// <summary>Jittered delays on the injected clock; a zero delay is skipped entirely so fake clocks never block.</summary>
internal static class Latency
{
    public static TimeSpan Of(double milliseconds, double jitterRatio, SimulatorRandom random)
    {
        if (milliseconds <= 0)
        {
            return TimeSpan.Zero;
        }

        var factor = jitterRatio > 0 ? 1 + (jitterRatio * ((2 * random.NextDouble()) - 1)) : 1;
        return TimeSpan.FromMilliseconds(milliseconds * factor);
    }

    public static Task WaitAsync(TimeSpan delay, TimeProvider time, CancellationToken cancellationToken) =>
        delay > TimeSpan.Zero ? Task.Delay(delay, time, cancellationToken) : Task.CompletedTask;
}
