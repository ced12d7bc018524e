namespace Tokengate.Priority;

/// <summary>One request waiting in a <see cref="WaitLane"/>; its signal is completed when it should retry.</summary>
internal sealed class Waiter(string consumer, string priority)
{
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Consumer { get; } = consumer;

    /// <summary>The waiter's priority class name.</summary>
    public string Priority { get; } = priority;

    /// <summary>Its place in its consumer's line; set and cleared under the lane's lock.</summary>
    public LinkedListNode<Waiter>? Node { get; set; }

    /// <summary>Completes when the waiter should retry.</summary>
    public Task Signal => Volatile.Read(ref _signal).Task;

    /// <summary>Asks the waiter to retry (once, however often it is asked before it does).</summary>
    public void Wake() => Volatile.Read(ref _signal).TrySetResult();

    /// <summary>Called before each retry, so a wake that arrives during the retry is kept for the next round.</summary>
    public void Rearm()
    {
        if (Volatile.Read(ref _signal).Task.IsCompleted)
            Volatile.Write(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
