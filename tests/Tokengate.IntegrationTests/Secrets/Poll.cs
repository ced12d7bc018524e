namespace Tokengate.IntegrationTests.Secrets;

/// <summary>Waits for a condition with a deadline instead of sleeping a guessed time.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("The condition did not become true before the deadline.");
            await Task.Delay(10);
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("The condition did not become true before the deadline.");
            await Task.Delay(10);
        }
    }
}
