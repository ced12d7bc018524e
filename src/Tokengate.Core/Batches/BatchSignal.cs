namespace Tokengate.Batches;

/// <summary>
/// Wakes this instance's batch runner early (a batch was created or cancelled, a line finished) instead of at its next
/// poll. Other instances of a fleet see the change at their own next poll.
/// </summary>
internal sealed class BatchSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Wake() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Completes at the next <see cref="Wake"/> after this call.</summary>
    public Task Next => Volatile.Read(ref _next).Task;
}
