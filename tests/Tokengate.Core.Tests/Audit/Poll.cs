namespace Tokengate.Audit;

/// <summary>Waits for a background writer without sleeping a fixed time: checks often, gives up only at a generous deadline.</summary>
internal static class Poll
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static async Task UntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (!condition())
        {
            deadline.Token.ThrowIfCancellationRequested();
            await Task.Yield();
            await Task.Delay(1, CancellationToken.None);
        }
    }
}
