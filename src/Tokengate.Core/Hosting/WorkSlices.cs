namespace Tokengate.Hosting;

/// <summary>
/// Cuts a long run of CPU work on a background thread (the ledger writer's inserts) into slices, and between slices
/// offers the core to any other runnable thread (<see cref="Thread.Yield"/>). On a gateway with one or two cores the
/// request threads otherwise wait out the scheduler's whole time slice (milliseconds) whenever the background work
/// runs, and that wait is the requests' latency tail. The work still gets its share of the core; it takes it in
/// shorter pieces. Where a core is idle the yield returns at once.
/// </summary>
/// <param name="slice">How much work runs between offers.</param>
/// <param name="urgent">
/// True while the work must not give way (its queue is backing up): yielding then would make requests wait for room
/// in the queue, which is worse than waiting for the core.
/// </param>
/// <param name="time">Measures the slices (a test's fake clock decides when one has passed).</param>
/// <param name="yield">Gives the core away; <see cref="Thread.Yield"/> unless a test observes it.</param>
internal sealed class WorkSlices(TimeSpan slice, Func<bool> urgent, TimeProvider time, Action? yield = null)
{
    /// <summary>
    /// The slice the ledger writer uses: about a dozen inserts. A waking request thread waits out at most one slice at
    /// each of its wake-ups (a request has several); an offer where nothing waits costs a system call, under a microsecond.
    /// </summary>
    public static readonly TimeSpan Default = TimeSpan.FromMilliseconds(0.05);

    private readonly Action _yield = yield ?? (() => Thread.Yield());
    private long _started = time.GetTimestamp();

    /// <summary>Starts a slice now (call when the work starts, after any wait).</summary>
    public void Begin() => _started = time.GetTimestamp();

    /// <summary>Called between units of work: yields when the current slice has run its length and nothing is urgent.</summary>
    public void Between()
    {
        if (time.GetElapsedTime(_started) < slice || urgent()) return;
        _yield();
        _started = time.GetTimestamp();
    }
}
